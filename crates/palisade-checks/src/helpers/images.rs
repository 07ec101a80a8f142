//! Container image references: `[registry/]repository[:tag][@digest]`.

/// Every container that names an image, with the image and its parsed
/// reference: the loop all image checks share.
pub fn container_images<'p, 'a>(
    pod: &'p palisade_core::PodSpecView<'a>,
) -> impl Iterator<Item = (&'p palisade_core::ContainerView<'a>, &'a str, ImageRef<'a>)> + 'p {
    pod.containers()
        .iter()
        .filter_map(|c| c.image().map(|image| (c, image, parse(image))))
}

/// The parts of an image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry host (`docker.io` when none is given).
    pub registry: &'a str,
    /// Repository path without the registry.
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl ImageRef<'_> {
    /// The tag can be moved to other content: no digest, and the tag is
    /// absent or `latest`.
    pub fn is_mutable_tag(&self) -> bool {
        self.digest.is_none() && matches!(self.tag, None | Some("latest"))
    }

    /// The image pull policy Kubernetes uses when none is set.
    pub fn default_pull_policy(&self) -> &'static str {
        if self.digest.is_none() && matches!(self.tag, None | Some("latest")) {
            "Always"
        } else {
            "IfNotPresent"
        }
    }
}

/// Splits an image reference. Never fails: odd input yields odd parts.
pub fn parse(image: &str) -> ImageRef<'_> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    // A first component is a registry when it looks like a host.
    let (registry, rest) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (first, rest),
        _ => ("docker.io", name),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    ImageRef {
        registry,
        repository,
        tag,
        digest,
    }
}

/// Docker Hub's host names all mean `docker.io`.
fn canonical_registry(host: &str) -> &str {
    match host {
        "index.docker.io" | "registry-1.docker.io" => "docker.io",
        other => other,
    }
}

/// Whether `image` comes from one of the `allowed` registries. An entry
/// matches the registry host, or a host and path prefix at a `/` boundary.
/// Names are compared as the runtime resolves them: `nginx` is
/// `docker.io/library/nginx`.
pub fn registry_allowed(image: &ImageRef<'_>, allowed: &[String]) -> bool {
    let registry = canonical_registry(image.registry);
    let repository = if registry == "docker.io" && !image.repository.contains('/') {
        format!("library/{}", image.repository)
    } else {
        image.repository.to_string()
    };
    allowed.iter().any(|entry| {
        let entry = entry.trim_end_matches('/');
        match entry.split_once('/') {
            None => registry == canonical_registry(entry),
            Some((host, prefix)) => {
                registry == canonical_registry(host)
                    && (repository == prefix
                        || repository
                            .strip_prefix(prefix)
                            .is_some_and(|r| r.starts_with('/')))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = parse("nginx");
        assert_eq!(
            (r.registry, r.repository, r.tag, r.digest),
            ("docker.io", "nginx", None, None)
        );
        let r = parse("registry:5000/team/app");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("registry:5000", "team/app", None)
        );
        let r = parse("ghcr.io/acme/app:1.2@sha256:abc");
        assert_eq!(
            (r.registry, r.repository, r.tag, r.digest),
            ("ghcr.io", "acme/app", Some("1.2"), Some("sha256:abc"))
        );
        assert!(parse("nginx:latest").is_mutable_tag());
        assert!(!parse("nginx:1.25").is_mutable_tag());
        assert!(!parse("nginx@sha256:abc").is_mutable_tag());
    }

    #[test]
    fn matches_allow_list_at_path_boundaries() {
        let allowed = vec![
            "ghcr.io/acme".to_string(),
            "registry.example.com".to_string(),
        ];
        assert!(registry_allowed(&parse("ghcr.io/acme/app:1"), &allowed));
        assert!(!registry_allowed(
            &parse("ghcr.io/acmecorp/app:1"),
            &allowed
        ));
        assert!(registry_allowed(
            &parse("registry.example.com/x/y"),
            &allowed
        ));
        assert!(!registry_allowed(&parse("nginx"), &allowed));
        let hub = vec!["docker.io/library".to_string()];
        assert!(registry_allowed(&parse("nginx:1.25"), &hub));
        assert!(registry_allowed(
            &parse("index.docker.io/library/nginx"),
            &hub
        ));
        assert!(!registry_allowed(&parse("someone/nginx"), &hub));
    }
}
