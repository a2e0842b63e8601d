//! The one error type every command returns. The UI gets `{ kind, message, field }`;
//! database details go to the log, never to the screen.

use serde::ser::{Serialize, SerializeStruct, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; `field` names the question or setting concerned.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    #[error("The staff area is locked. Please unlock it with the staff passphrase.")]
    Locked,
    #[error("That passphrase is not right. Please try again.")]
    WrongPassphrase,
    #[error("This device has not been set up yet.")]
    NotConfigured,
    #[error("This device is already set up.")]
    AlreadyConfigured,
    /// The detail is for the log; the person sees the plain message.
    #[error("The data on this device could not be saved or read. Please tell a member of staff.")]
    Storage(String),
    #[error("The export could not be saved: {0}")]
    Export(String),
    /// A response could not be stored (full disk, read-only or locked file). The app
    /// keeps it until staff save it again or discard it.
    #[error("Your answers could not be saved. Please tell a member of staff.")]
    NotSaved,
    /// Too many wrong passphrases: no try is checked until the pause ends.
    #[error("{}", paused_message(*.seconds))]
    Paused { seconds: i64 },
    /// The database file cannot be used as it is (not a database, damaged, too new, in
    /// use by a restore). Said to staff in full; the file is left untouched.
    #[error("{0}")]
    Unusable(String),
    /// The database is fine but in use by something that needs it alone (a restore).
    #[error("{0}")]
    Busy(String),
}

fn paused_message(seconds: i64) -> String {
    let wait = if seconds > 90 {
        format!("{} minutes", (seconds + 59) / 60)
    } else {
        format!("{} seconds", seconds.max(1))
    };
    format!("Too many wrong passphrases. Please wait {wait}, then try again.")
}

impl AppError {
    pub fn invalid(field: impl Into<Option<String>>, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::Locked => "locked",
            AppError::WrongPassphrase => "wrong_passphrase",
            AppError::NotConfigured => "not_configured",
            AppError::AlreadyConfigured => "already_configured",
            AppError::Storage(_) => "storage",
            AppError::Export(_) => "export",
            AppError::NotSaved => "not_saved",
            AppError::Paused { .. } => "paused",
            AppError::Unusable(_) => "unusable",
            AppError::Busy(_) => "busy",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> AppError {
        eprintln!("psi-feedback: database error: {e}");
        AppError::Storage(e.to_string())
    }
}

impl From<rusqlite_migration::Error> for AppError {
    fn from(e: rusqlite_migration::Error) -> AppError {
        eprintln!("psi-feedback: database migration error: {e}");
        AppError::Storage(e.to_string())
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("AppError", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("field", &self.field())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_message_field() {
        let e = AppError::invalid(
            Some("power_say".to_string()),
            "That answer is not one of the choices.",
        );
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "invalid");
        assert_eq!(v["field"], "power_say");
        assert_eq!(v["message"], "That answer is not one of the choices.");
    }

    #[test]
    fn storage_detail_is_not_shown() {
        let e = AppError::Storage("disk I/O error at /secret/path".to_string());
        let v = serde_json::to_value(&e).unwrap();
        assert!(!v["message"].as_str().unwrap().contains("/secret"));
        assert_eq!(v["field"], serde_json::Value::Null);
    }
}
