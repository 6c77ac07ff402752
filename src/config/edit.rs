//! Rewriting a config file without losing what the user wrote: the new content is applied to
//! the file's own text with `toml_edit` (what cargo uses to edit manifests), so comments,
//! ordering and formatting of everything that did not change survive a `config set` or a login.

/// The text of a file whose content becomes `table`: `original` (or `header` for a new file)
/// edited in place. Values that did not change keep their text, comments included; changed
/// values keep the comments around them; new keys and tables are appended.
pub(super) fn edited_text(original: Option<&str>, header: &str, table: &toml::Table) -> String {
    let (prefix, mut doc) = match original.and_then(|text| text.parse().ok()) {
        Some(doc) => ("", doc),
        None => (header, toml_edit::DocumentMut::new()),
    };
    sync_table(doc.as_table_mut(), table);
    format!("{prefix}{doc}")
}

fn sync_table(doc: &mut toml_edit::Table, new: &toml::Table) {
    let stale: Vec<String> = doc
        .iter()
        .map(|(key, _)| key.to_owned())
        .filter(|key| !new.contains_key(key))
        .collect();
    for key in stale {
        doc.remove(&key);
    }
    for (key, value) in new {
        match (doc.get_mut(key), value) {
            (Some(item), toml::Value::Table(sub)) if item.is_table() => {
                sync_table(item.as_table_mut().expect("checked"), sub);
            }
            (Some(item), value) if same_value(item, value) => {}
            (Some(toml_edit::Item::Value(old)), value) if !value.is_table() => {
                let decor = old.decor().clone();
                let mut replacement = to_value(value);
                *replacement.decor_mut() = decor;
                *old = replacement;
            }
            (_, value) => {
                doc.insert(key, to_item(value));
            }
        }
    }
}

/// Whether the file already says `value` there (by meaning, not by spelling).
fn same_value(item: &toml_edit::Item, value: &toml::Value) -> bool {
    let Some(old) = item.as_value() else {
        return false;
    };
    let text = format!("v = {}\n", old.to_string().trim());
    toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|table| table.get("v").cloned())
        .is_some_and(|old| &old == value)
}

fn to_item(value: &toml::Value) -> toml_edit::Item {
    match value {
        toml::Value::Table(table) => {
            let mut out = toml_edit::Table::new();
            for (key, value) in table {
                out.insert(key, to_item(value));
            }
            // `[profiles]` holds only `[profiles.NAME]` tables: no empty header for it.
            out.set_implicit(!table.is_empty() && table.values().all(toml::Value::is_table));
            toml_edit::Item::Table(out)
        }
        other => toml_edit::Item::Value(to_value(other)),
    }
}

fn to_value(value: &toml::Value) -> toml_edit::Value {
    match value {
        toml::Value::String(text) => text.as_str().into(),
        toml::Value::Integer(n) => (*n).into(),
        toml::Value::Float(x) => (*x).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(when) => when
            .to_string()
            .parse::<toml_edit::Datetime>()
            .map(Into::into)
            .unwrap_or_else(|_| when.to_string().into()),
        toml::Value::Array(items) => toml_edit::Value::Array(items.iter().map(to_value).collect()),
        toml::Value::Table(table) => {
            let mut inline = toml_edit::InlineTable::new();
            for (key, value) in table {
                inline.insert(key, to_value(value));
            }
            toml_edit::Value::InlineTable(inline)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_order_and_unchanged_spelling_survive_an_edit() {
        let original = "# mine: keep me\ncurrent_profile = 'prod' # inline note\n\n# the prod box\n[profiles.prod]\nhost = \"https://h\"  # primary\nretries = 3\n";
        let mut table: toml::Table = toml::from_str(original).unwrap();
        let prod = table["profiles"]["prod"].as_table().cloned().unwrap();
        let mut prod = prod;
        prod.insert("retries".into(), toml::Value::Integer(5));
        prod.insert("output".into(), "json".into());
        let mut profiles = toml::Table::new();
        profiles.insert("prod".into(), toml::Value::Table(prod));
        let mut dev = toml::Table::new();
        dev.insert("host".into(), "http://127.0.0.1:7878".into());
        profiles.insert("dev".into(), toml::Value::Table(dev));
        table.insert("profiles".into(), toml::Value::Table(profiles));
        let text = edited_text(Some(original), "# header\n", &table);
        for kept in [
            "# mine: keep me",
            "current_profile = 'prod' # inline note",
            "# the prod box",
            "host = \"https://h\"  # primary",
            "retries = 5",
            "output = \"json\"",
            "[profiles.dev]",
        ] {
            assert!(text.contains(kept), "{kept:?} in:\n{text}");
        }
        assert!(!text.contains("[profiles]\n"), "{text}");
        assert_eq!(toml::from_str::<toml::Table>(&text).unwrap(), table);
        // Removing a key removes only it.
        table["profiles"].as_table_mut().unwrap().remove("dev");
        let again = edited_text(Some(&text), "", &table);
        assert!(
            !again.contains("dev") && again.contains("# the prod box"),
            "{again}"
        );
        // A new file starts with the header.
        let fresh = edited_text(None, "# header\n", &table);
        assert!(fresh.starts_with("# header\n"), "{fresh}");
        assert_eq!(toml::from_str::<toml::Table>(&fresh).unwrap(), table);
    }

    #[cfg(unix)]
    #[test]
    fn a_config_write_keeps_the_users_comments_and_the_files_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let files = crate::config::ConfigFiles::new(dir.path());
        let path = files.config_path();
        std::fs::write(
            &path,
            "# my notes\n[profiles.a] # the A box\nhost = \"https://a\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        files
            .update(|config, _| {
                config.set_current_profile("a");
                Ok(())
            })
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my notes")
                && text.contains("# the A box")
                && text.contains("current_profile = \"a\""),
            "{text}"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
