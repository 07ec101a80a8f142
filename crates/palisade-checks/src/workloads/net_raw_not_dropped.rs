use palisade_core::{declare_check, CheckContext, PodSpecView, Target};

use crate::helpers::capabilities::{drops, entries, normalize};

declare_check! {
    /// ## What it checks
    /// Containers that keep `NET_RAW`: their `capabilities.drop` names neither
    /// `NET_RAW` nor `ALL` (a `CAP_NET_RAW` entry drops nothing: runtimes add the
    /// prefix themselves), they add it back, or they run privileged. Windows pods are not judged (Linux
    /// capabilities do not apply to them).
    ///
    /// ## Why it matters
    /// NET_RAW is in most runtimes' default set. It allows crafting raw packets: ARP
    /// and DNS spoofing of neighbouring pods on the same node, and it has been the
    /// enabler of several container-escape CVEs.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["NET_RAW"]
    /// ```
    pub struct NetRawNotDropped {
        id: "PAL-WL-044",
        slug: "net-raw-not-dropped",
        title: "Container keeps the NET_RAW capability",
        severity: Medium,
        target: Target::PodSpec,
        remediation: "Drop ALL capabilities (or at least NET_RAW) in `capabilities.drop`.",
        references: &["https://man7.org/linux/man-pages/man7/capabilities.7.html"],
        pss: None,
        status: Stable,
    }
    impl {
        fn check_pod_spec(&self, pod: &PodSpecView<'_>, cx: &mut CheckContext<'_>) {
            if pod.is_windows() {
                return;
            }
            for c in pod.containers() {
                let added: Vec<_> = entries(c, "add").into_iter().filter(|(_, n)| normalize(n) == "NET_RAW").collect();
                for (path, name) in &added {
                    cx.fail_args(path.clone(), format_args!("{} adds capability {name}", c.describe()));
                }
                let privileged = c.effective.privileged.as_ref().is_some_and(|p| p.value);
                if privileged {
                    // Privileged containers get every capability; drop lists are ignored.
                    cx.fail_args(c.path_of(c.effective.privileged.as_ref().expect("checked above")), format_args!("{} runs privileged and so keeps NET_RAW", c.describe()));
                } else if added.is_empty() && !drops(c, "NET_RAW") {
                    let prefixed = entries(c, "drop").into_iter().find(|(_, n)| normalize(n) == "NET_RAW");
                    match prefixed {
                        Some((path, name)) => cx.fail_args(path, format_args!("{} drops {name:?}, which containerd reads as CAP_{}: write NET_RAW", c.describe(), name.to_ascii_uppercase())),
                        None => cx.fail_args(c.path.join_all(&["securityContext", "capabilities", "drop"]), format_args!("{} does not drop NET_RAW (or ALL)", c.describe())),
                    }
                }
            }
        }
    }
}
