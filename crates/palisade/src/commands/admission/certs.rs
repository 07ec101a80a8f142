//! `palisade admission certs`: a CA and the serving certificate it signs.

use anyhow::{bail, Context, Result};

use super::write_file;
use crate::cli::CertsArgs;
use crate::exit;

/// A CA and a serving certificate it signs, for the webhook's Service.
pub fn certs(args: CertsArgs) -> Result<u8> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    if args.days == 0 {
        bail!("--days must be at least 1");
    }
    let host = format!("{}.{}.svc", args.service, args.namespace);
    let mut names = vec![
        host.clone(),
        format!("{host}.cluster.local"),
        format!("{}.{}", args.service, args.namespace),
    ];
    names.extend(args.extra_names.iter().cloned());
    let now = time::OffsetDateTime::now_utc();
    // An hour of slack for clocks that lag behind this one.
    let not_before = now - time::Duration::hours(1);
    let days = i64::from(args.days);

    let ca_key = KeyPair::generate().context("cannot make the CA's key")?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).context("CA parameters")?;
    ca.distinguished_name
        .push(DnType::CommonName, format!("palisade webhook CA ({host})"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = not_before;
    ca.not_after = now + time::Duration::days(days * 10);
    let ca_cert = ca.self_signed(&ca_key).context("cannot sign the CA")?;

    let key = KeyPair::generate().context("cannot make the serving key")?;
    let mut serving = CertificateParams::new(names.clone())
        .with_context(|| format!("invalid name among {}", names.join(", ")))?;
    serving
        .distinguished_name
        .push(DnType::CommonName, host.clone());
    serving.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    serving.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    serving.use_authority_key_identifier_extension = true;
    serving.not_before = not_before;
    serving.not_after = now + time::Duration::days(days);
    let issuer = Issuer::new(ca, ca_key);
    let cert = serving
        .signed_by(&key, &issuer)
        .context("cannot sign the serving certificate")?;

    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let dir = &args.out_dir;
    write_file(&dir.join("ca.crt"), &ca_cert.pem(), false, args.force)?;
    write_file(
        &dir.join("ca.key"),
        &issuer.key().serialize_pem(),
        true,
        args.force,
    )?;
    write_file(&dir.join("tls.crt"), &cert.pem(), false, args.force)?;
    write_file(&dir.join("tls.key"), &key.serialize_pem(), true, args.force)?;
    eprintln!(
        "palisade: wrote ca.crt, ca.key, tls.crt and tls.key to {} for {} (valid {} days).\n\
         Next: kubectl -n {} create secret tls palisade-webhook-tls --cert {}/tls.crt --key {}/tls.key\n\
         and palisade admission manifests --namespace {} --ca-bundle {}/ca.crt --image IMAGE",
        dir.display(),
        names.join(", "),
        args.days,
        args.namespace,
        dir.display(),
        dir.display(),
        args.namespace,
        dir.display()
    );
    Ok(exit::CLEAN)
}
