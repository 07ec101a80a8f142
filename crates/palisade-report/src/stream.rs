//! Writing many items (findings) in order while rendering them in
//! parallel: on large scans a report is hundreds of megabytes, and one
//! thread rendering it would be the slowest step of the scan.

use std::io::{self, Write};

use rayon::prelude::*;

/// Renders `items` with `render` (which appends one item's text to a
/// buffer) and writes them in order, `separator` between items. Batches
/// bound the text held at once.
pub fn write_parallel<T: Sync>(
    items: &[T],
    separator: &[u8],
    out: &mut dyn Write,
    render: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    for (b, batch) in items.chunks(32 * 1024).enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(1024)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 512);
                for (i, item) in chunk.iter().enumerate() {
                    if i > 0 {
                        buf.extend_from_slice(separator);
                    }
                    render(item, &mut buf)?;
                }
                Ok(buf)
            })
            .collect::<io::Result<_>>()?;
        for (i, part) in parts.iter().enumerate() {
            if b > 0 || i > 0 {
                out.write_all(separator)?;
            }
            out.write_all(part)?;
        }
    }
    Ok(())
}
