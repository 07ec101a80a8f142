//! The checks a command can run: palisade's own and the user's policies
//! (`--policies DIR`, or `policies:` in the configuration file).

use std::path::PathBuf;

use anyhow::{bail, Result};
use palisade_core::Check;
use palisade_policy::{LoadOptions, PolicySet};

/// The built-in catalogue followed by the user's policies.
pub struct Catalogue {
    pub checks: &'static [&'static dyn Check],
    pub policies: PolicySet,
}

impl Catalogue {
    /// palisade's checks alone.
    pub fn built_in() -> Catalogue {
        Catalogue {
            checks: palisade_checks::catalogue(),
            policies: PolicySet::default(),
        }
    }

    /// palisade's checks and the policies under `dirs`, each policy
    /// checked against the built-in IDs and slugs.
    pub fn load(dirs: &[PathBuf], options: LoadOptions) -> Result<Catalogue> {
        if dirs.is_empty() {
            return Ok(Catalogue::built_in());
        }
        let policies = palisade_policy::load(dirs, options).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow::anyhow!(
                "{} in user policies:\n  {}",
                if errors.len() == 1 {
                    "a problem"
                } else {
                    "problems"
                },
                lines.join("\n  ")
            )
        })?;
        let built_in = palisade_checks::catalogue();
        for policy in &policies.policies {
            let meta = policy.check.meta();
            if let Some(clash) = built_in.iter().find(|c| c.meta().slug == meta.slug) {
                bail!(
                    "{}: slug {} is already the slug of {}",
                    policy.dir.join("policy.yaml").display(),
                    meta.slug,
                    clash.meta().id
                );
            }
        }
        Ok(Catalogue {
            checks: policies.catalogue_with(built_in),
            policies,
        })
    }

    /// A check by ID (any case) or slug.
    pub fn find(&self, id_or_slug: &str) -> Option<&'static dyn Check> {
        self.checks
            .iter()
            .copied()
            .find(|c| c.meta().id.eq_ignore_ascii_case(id_or_slug) || c.meta().slug == id_or_slug)
    }
}
