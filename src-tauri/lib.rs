//! PSI Feedback: session feedback on the Power, Safety, Identity model.
//!
//! Plain-Rust core: [`questionnaire`], [`store`], [`summary`], [`disclosure`],
//! [`export`], [`import`], [`demo`]. The Tauri shell is [`shell`] alone; the command
//! line is [`cli`].

pub mod app;
pub mod auth;
pub mod cli;
pub mod demo;
pub mod disclosure;
pub mod domain;
pub mod error;
pub mod export;
pub mod import;
pub mod locale;
pub mod overview;
pub mod period;
pub mod questionnaire;
pub mod shell;
pub mod store;
pub mod summary;
pub mod support;
pub mod validate;

/// The app's identifier, as in `tauri.conf.json`; it names the app data directory.
pub const IDENTIFIER: &str = "org.psifeedback.app";
