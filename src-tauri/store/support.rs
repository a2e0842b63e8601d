//! Help for a person who needs it now, as stored: the clinic's help lines per language,
//! requests to talk to someone, and the session details chosen at the last hand-over.
//! All of it lives in the settings table: a request to talk is a count, never tied to a
//! response, and nothing here is exported.

use std::collections::BTreeMap;

use chrono::Utc;
use rusqlite::OptionalExtension;

use super::{audit, get_setting, set_setting, ContextList, Defaults, Store};
use crate::error::AppError;

const HELP_KEY_PREFIX: &str = "help_lines.";
const TALK_KEY: &str = "talk_requests";

/// More requests than this waiting means nobody is acknowledging them; the count stops
/// there rather than grow without end.
pub const MAX_TALK_REQUESTS: u32 = 1000;

fn last_key(list: ContextList) -> &'static str {
    list.pick(["last_team", "last_session_type", "last_role"])
}

impl Store {
    /// The clinic's own help lines, by language. A language with none uses the default
    /// lines of its locale files.
    pub fn help_lines(&self) -> Result<BTreeMap<String, Vec<String>>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?1) = ?2 ORDER BY key",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![HELP_KEY_PREFIX.len() as i64, HELP_KEY_PREFIX],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (key, value) = row?;
            let lines = value.lines().map(str::to_string).collect();
            out.insert(key[HELP_KEY_PREFIX.len()..].to_string(), lines);
        }
        Ok(out)
    }

    /// Replaces the help lines of each language given (already checked); no lines puts
    /// the default back. All or nothing.
    pub fn set_help_lines(&mut self, lines: &[(String, Vec<String>)]) -> Result<(), AppError> {
        let tx = self.begin()?;
        for (language, lines) in lines {
            let key = format!("{HELP_KEY_PREFIX}{language}");
            if lines.is_empty() {
                tx.execute("DELETE FROM settings WHERE key = ?1", [&key])?;
            } else {
                set_setting(&tx, &key, &lines.join("\n"))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// How many people have asked to talk to someone since staff last acknowledged it.
    pub fn talk_requests(&self) -> Result<u32, AppError> {
        Ok(get_setting(&self.conn, TALK_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// A person asked to talk to someone: one more waiting. Returns how many wait.
    pub fn add_talk_request(&mut self) -> Result<u32, AppError> {
        let tx = self.begin()?;
        let n = get_setting(&tx, TALK_KEY)?
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
            .saturating_add(1)
            .min(MAX_TALK_REQUESTS);
        set_setting(&tx, TALK_KEY, &n.to_string())?;
        tx.commit()?;
        Ok(n)
    }

    /// Staff have seen the requests: they are cleared, and the audit trail records how
    /// many there were (a count: nothing of anyone's answers). Returns that count.
    pub fn acknowledge_talk(&mut self) -> Result<u32, AppError> {
        let tx = self.begin()?;
        let n = get_setting(&tx, TALK_KEY)?
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0);
        if n > 0 {
            tx.execute("DELETE FROM settings WHERE key = ?1", [TALK_KEY])?;
            let who = if n == 1 {
                "1 person".to_string()
            } else {
                format!("{n} people")
            };
            audit::append(
                &tx,
                Utc::now(),
                audit::Action::TalkAcknowledged,
                &format!("Staff saw that {who} would like to talk to someone"),
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// The team, session type and role chosen at the last hand-over.
    pub(super) fn last_choices(&self) -> Result<Defaults, AppError> {
        let last = |list: ContextList| -> Result<Option<i64>, AppError> {
            Ok(get_setting(&self.conn, last_key(list))?.and_then(|v| v.parse().ok()))
        };
        Ok(Defaults {
            team: last(ContextList::Teams)?,
            session_type: last(ContextList::SessionTypes)?,
            role: last(ContextList::Roles)?,
        })
    }

    /// Remembers the session details of a hand-over, so the next one starts from them.
    /// Each must be an active entry of its list.
    pub fn remember_choices(
        &mut self,
        [team, session_type, role]: [i64; 3],
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        for (list, id) in ContextList::ALL.into_iter().zip([team, session_type, role]) {
            let sql = format!(
                "SELECT 1 FROM {} WHERE id = ?1 AND active = 1",
                super::table(list)
            );
            if tx.query_row(&sql, [id], |_| Ok(())).optional()?.is_none() {
                return Err(AppError::invalid(
                    Some(list.default_field().to_string()),
                    list.pick([
                        "error.choose.team",
                        "error.choose.session_type",
                        "error.choose.role",
                    ]),
                    Vec::new(),
                ));
            }
            set_setting(&tx, last_key(list), &id.to_string())?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configured() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.sqlite3")).unwrap();
        s.configure(
            "hash",
            &[
                (ContextList::Teams, vec!["North".into(), "South".into()]),
                (ContextList::SessionTypes, vec!["Individual".into()]),
                (ContextList::Roles, vec!["Nurse".into()]),
            ],
        )
        .unwrap();
        (dir, s)
    }

    fn audit_details(s: &Store) -> Vec<(String, String)> {
        s.audit_trail(100)
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.detail))
            .collect()
    }

    #[test]
    fn help_lines_are_kept_per_language_and_no_lines_bring_the_default_back() {
        let (_d, mut s) = configured();
        assert!(
            s.help_lines().unwrap().is_empty(),
            "defaults are not stored"
        );
        s.set_help_lines(&[
            (
                "en".into(),
                vec!["Call 999.".into(), "Ask at reception.".into()],
            ),
            ("pl".into(), vec!["Zadzwoń pod 999.".into()]),
        ])
        .unwrap();
        let saved = s.help_lines().unwrap();
        assert_eq!(saved["en"], ["Call 999.", "Ask at reception."]);
        assert_eq!(saved["pl"], ["Zadzwoń pod 999."]);
        s.set_help_lines(&[("en".into(), Vec::new())]).unwrap();
        let saved = s.help_lines().unwrap();
        assert!(!saved.contains_key("en"));
        assert!(
            saved.contains_key("pl"),
            "other languages stay as they were"
        );
    }

    #[test]
    fn requests_to_talk_are_counted_and_acknowledged_as_a_count_in_the_audit_trail() {
        let (_d, mut s) = configured();
        assert_eq!(s.talk_requests().unwrap(), 0);
        assert_eq!(s.acknowledge_talk().unwrap(), 0);
        assert!(
            audit_details(&s).is_empty(),
            "nothing to acknowledge, nothing recorded"
        );
        assert_eq!(s.add_talk_request().unwrap(), 1);
        assert_eq!(s.add_talk_request().unwrap(), 2);
        assert_eq!(s.talk_requests().unwrap(), 2);
        assert_eq!(s.acknowledge_talk().unwrap(), 2);
        assert_eq!(s.talk_requests().unwrap(), 0);
        assert_eq!(
            audit_details(&s),
            [(
                "talk_acknowledged".to_string(),
                "Staff saw that 2 people would like to talk to someone".to_string()
            )]
        );
        s.add_talk_request().unwrap();
        s.acknowledge_talk().unwrap();
        assert_eq!(
            audit_details(&s)[0].1,
            "Staff saw that 1 person would like to talk to someone"
        );
        // Never more than the cap, however often it is asked.
        s.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                [TALK_KEY, &MAX_TALK_REQUESTS.to_string()],
            )
            .unwrap();
        assert_eq!(s.add_talk_request().unwrap(), MAX_TALK_REQUESTS);
    }

    #[test]
    fn the_last_choices_are_remembered_only_when_all_are_active() {
        let (_d, mut s) = configured();
        let ctx = s.context().unwrap();
        assert_eq!(ctx.last.team, None);
        let south = ctx.teams.iter().find(|c| c.name == "South").unwrap().id;
        let ids = [south, ctx.session_types[0].id, ctx.roles[0].id];
        s.remember_choices(ids).unwrap();
        let last = s.context().unwrap().last;
        assert_eq!(
            [last.team, last.session_type, last.role],
            ids.map(Some),
            "remembered"
        );
        let e = s.remember_choices([9999, ids[1], ids[2]]).unwrap_err();
        assert_eq!(e.field(), Some("team"));
        let e = s.remember_choices([ids[0], ids[1], -1]).unwrap_err();
        assert_eq!(e.field(), Some("role"));
        let last = s.context().unwrap().last;
        assert_eq!(last.team, Some(south), "a refused choice changes nothing");
    }
}
