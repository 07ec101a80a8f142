//! Reading an EncryptionConfiguration the way the API server does: the
//! first `resources[]` entry that names a resource decides its providers,
//! and the first provider encrypts new writes.

use crate::{FieldPath, Resource};
use serde_json::Value;

/// What encrypts Secrets under one EncryptionConfiguration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderChoice {
    /// No entry covers Secrets; the path is `resources`.
    NotCovered(FieldPath),
    /// The first provider of the first entry covering Secrets.
    First {
        name: String,
        path: FieldPath,
        /// For `kms`: its `apiVersion` (absent means v1).
        kms_version: Option<String>,
    },
    /// The covering entry lists no provider (the API server rejects it).
    NoProvider(FieldPath),
}

/// Whether a `resources[].resources` item covers core-group Secrets.
fn covers_secrets(item: &str) -> bool {
    matches!(item, "secrets" | "*." | "*.*")
}

pub fn provider_for_secrets(config: &Resource) -> ProviderChoice {
    let entries = config.value.get("resources").and_then(Value::as_array);
    let base = FieldPath::root().join("resources");
    for (i, entry) in entries.into_iter().flatten().enumerate() {
        let names = entry.get("resources").and_then(Value::as_array);
        let covered = names
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(covers_secrets);
        if !covered {
            continue;
        }
        let providers = base.join(i).join("providers");
        let Some(first) = entry
            .get("providers")
            .and_then(Value::as_array)
            .and_then(|p| p.first())
            .and_then(Value::as_object)
        else {
            return ProviderChoice::NoProvider(providers);
        };
        let Some((name, settings)) = first.iter().next() else {
            return ProviderChoice::NoProvider(providers);
        };
        return ProviderChoice::First {
            name: name.clone(),
            path: providers.join(0).join(name.clone()),
            kms_version: settings
                .get("apiVersion")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
    }
    ProviderChoice::NotCovered(base)
}

impl ProviderChoice {
    /// Why Secrets are stored in clear under this choice, if they are.
    pub fn clear_text(&self) -> Option<(&FieldPath, &'static str)> {
        match self {
            ProviderChoice::NotCovered(path) => Some((
                path,
                "no resources entry covers secrets: they are stored in clear text",
            )),
            ProviderChoice::First { name, path, .. } if name == "identity" => Some((
                path,
                "the first provider for secrets is identity: new Secrets are stored in clear text",
            )),
            _ => None,
        }
    }

    /// Why the provider that encrypts Secrets is weak or deprecated, if
    /// it is: `aescbc`, and KMS v1 (`kms` without `apiVersion: v2`).
    pub fn weak(&self) -> Option<(&FieldPath, &'static str)> {
        let ProviderChoice::First {
            name,
            path,
            kms_version,
        } = self
        else {
            return None;
        };
        match (name.as_str(), kms_version.as_deref()) {
            ("aescbc", _) => Some((
                path,
                "secrets are encrypted with aescbc, which is no longer recommended: prefer KMS v2",
            )),
            ("kms", Some("v2")) => None,
            ("kms", _) => Some((
                path,
                "secrets are encrypted with KMS v1, deprecated since Kubernetes 1.28: use KMS v2",
            )),
            _ => None,
        }
    }
}
