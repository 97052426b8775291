//! Rule profiles: thresholds, patterns and severities, loaded from TOML.
//!
//! The national profile (`profiles/national.toml`) is embedded in the binary;
//! `--rules FILE` loads a province's copy. Everything a province may want to
//! tune lives here, so that no threshold is hard-coded in a check.

use crate::finding::{CheckId, Severity};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The embedded national profile, as TOML text.
pub const NATIONAL_TOML: &str = include_str!("../profiles/national.toml");

/// Why a profile could not be loaded. The message names the key and line.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read rule profile {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The TOML is malformed or a key has the wrong type.
    #[error("rule profile {origin} is invalid: {message}")]
    Syntax {
        /// Where the profile came from.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value parsed but does not make sense (bad regex, unknown check id...).
    #[error("rule profile {origin}: key `{key}`: {message}")]
    Value {
        /// Where the profile came from.
        origin: String,
        /// The dotted key.
        key: String,
        /// What is wrong and what to do.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    checks: ChecksFile,
    links: LinksFile,
    soft404: Soft404File,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksFile {
    #[serde(default)]
    disabled: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksFile {
    home_redirect_is_soft404: bool,
    script_handler_attributes: Vec<String>,
    top_link_texts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Soft404File {
    title_patterns: Vec<String>,
    body_patterns: Vec<String>,
    max_text_chars: usize,
}

/// Settings of the link checks.
#[derive(Debug, Clone)]
pub struct LinkRules {
    /// A deep link redirected to the home page counts as 错链.
    pub home_redirect_is_soft404: bool,
    /// Attributes that mark a placeholder link as script-driven (not wrong).
    pub script_handler_attributes: Vec<String>,
    /// Link texts for which `href="#"` is a correct "back to top" link.
    pub top_link_texts: Vec<String>,
}

/// Settings of the soft-404 detection.
#[derive(Debug, Clone)]
pub struct Soft404Rules {
    /// Patterns on the page title.
    pub title_patterns: Vec<Regex>,
    /// Patterns on the visible text of short pages.
    pub body_patterns: Vec<Regex>,
    /// Longer pages are never judged by body text.
    pub max_text_chars: usize,
}

/// A loaded, validated rule profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Short name, printed in reports.
    pub name: String,
    /// What the profile implements.
    pub description: String,
    disabled: Vec<CheckId>,
    severity: BTreeMap<CheckId, Severity>,
    /// Link check settings.
    pub links: LinkRules,
    /// Soft-404 settings.
    pub soft404: Soft404Rules,
}

impl Profile {
    /// The embedded national profile.
    pub fn national() -> Profile {
        Profile::from_toml(NATIONAL_TOML, "national (built-in)")
            .expect("the embedded national profile is valid (tested)")
    }

    /// Loads a profile from a file.
    pub fn from_path(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Profile::from_toml(&text, &path.display().to_string())
    }

    /// Parses and validates profile TOML; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let value_err = |key: &str, message: String| ProfileError::Value {
            origin: origin.to_string(),
            key: key.to_string(),
            message,
        };
        let mut disabled = Vec::new();
        for id in &file.checks.disabled {
            disabled.push(
                id.parse::<CheckId>()
                    .map_err(|m| value_err("checks.disabled", m))?,
            );
        }
        let mut severity = BTreeMap::new();
        for (id, sev) in &file.checks.severity {
            let key = format!("checks.severity.\"{id}\"");
            let check = id.parse::<CheckId>().map_err(|m| value_err(&key, m))?;
            let sev = sev.parse::<Severity>().map_err(|m| value_err(&key, m))?;
            severity.insert(check, sev);
        }
        let compile = |key: &str, patterns: &[String]| -> Result<Vec<Regex>, ProfileError> {
            patterns
                .iter()
                .map(|p| Regex::new(p).map_err(|e| value_err(key, format!("bad regex `{p}`: {e}"))))
                .collect()
        };
        Ok(Profile {
            name: file.name,
            description: file.description,
            disabled,
            severity,
            links: LinkRules {
                home_redirect_is_soft404: file.links.home_redirect_is_soft404,
                script_handler_attributes: file.links.script_handler_attributes,
                top_link_texts: file.links.top_link_texts,
            },
            soft404: Soft404Rules {
                title_patterns: compile("soft404.title_patterns", &file.soft404.title_patterns)?,
                body_patterns: compile("soft404.body_patterns", &file.soft404.body_patterns)?,
                max_text_chars: file.soft404.max_text_chars,
            },
        })
    }

    /// Whether a check runs under this profile.
    pub fn enabled(&self, check: CheckId) -> bool {
        !self.disabled.contains(&check)
    }

    /// The severity of a check under this profile.
    pub fn severity(&self, check: CheckId) -> Severity {
        self.severity
            .get(&check)
            .copied()
            .unwrap_or_else(|| check.default_severity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_profile_loads() {
        let p = Profile::national();
        assert_eq!(p.name, "national");
        assert_eq!(p.severity(CheckId::LinkDead), Severity::Error);
        assert!(p.enabled(CheckId::LinkDead));
    }

    #[test]
    fn bad_profile_names_key_and_line() {
        let bad = NATIONAL_TOML.replace("max_text_chars = 1500", "max_text_chars = \"lots\"");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("max_text_chars"), "{err}");
        assert!(err.contains("line"), "{err}");

        let bad = NATIONAL_TOML.replace("\"link.dead\" = \"error\"", "\"link.deadd\" = \"error\"");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("link.deadd"), "{err}");

        let bad = NATIONAL_TOML.replace("\"页面不存在\",", "\"页面(不存在\",");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("soft404.title_patterns"), "{err}");
    }
}
