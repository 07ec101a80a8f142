//! Reading an EncryptionConfiguration the way the API server does: the
//! first `resources[]` entry that names a resource decides its providers,
//! and the first provider encrypts new writes.

use palisade_core::{FieldPath, Resource};
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
