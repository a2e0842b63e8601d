//! The Tauri shell: the only module that knows about Tauri. Each command forwards the
//! UI's payload to [`crate::app::App`] and returns its result or error.

use std::collections::BTreeMap;
use std::path::Path;

use tauri::{AppHandle, Manager, Runtime, State, WindowEvent};
use tauri_plugin_dialog::DialogExt;

use crate::app::{
    App, AppStateView, DisclosureSettings, Overview, Preview, RetentionResult, SafetySettings,
    Saved, Timeouts,
};
use crate::domain::{Comment, Context};
use crate::error::AppError;
use crate::export;
use crate::locale;
use crate::store::{AuditEntry, ReleaseEntry};

#[tauri::command]
fn app_state(app: State<'_, App>) -> Result<AppStateView, AppError> {
    app.state()
}

#[tauri::command]
fn setup(app: State<'_, App>, setup: serde_json::Value) -> Result<(), AppError> {
    app.setup(setup)
}

#[tauri::command]
fn submit_response(app: State<'_, App>, response: serde_json::Value) -> Result<Saved, AppError> {
    app.submit(response)
}

#[tauri::command]
fn unlock_staff(app: State<'_, App>, passphrase: String) -> Result<(), AppError> {
    app.unlock(&passphrase)
}

#[tauri::command]
fn lock_staff(app: State<'_, App>) {
    app.lock()
}

#[tauri::command]
fn staff_activity(app: State<'_, App>) -> Result<(), AppError> {
    app.staff_activity()
}

#[tauri::command]
fn retry_unsaved(app: State<'_, App>) -> Result<usize, AppError> {
    app.retry_unsaved()
}

#[tauri::command]
fn discard_unsaved(app: State<'_, App>) -> Result<usize, AppError> {
    app.discard_unsaved()
}

#[tauri::command]
fn change_passphrase(app: State<'_, App>, change: serde_json::Value) -> Result<(), AppError> {
    app.change_passphrase(change)
}

#[tauri::command]
fn safety_settings(app: State<'_, App>) -> Result<SafetySettings, AppError> {
    app.safety_settings()
}

#[tauri::command]
fn update_retention(
    app: State<'_, App>,
    retention: serde_json::Value,
) -> Result<RetentionResult, AppError> {
    app.update_retention(retention)
}

#[tauri::command]
fn audit_trail(app: State<'_, App>) -> Result<Vec<AuditEntry>, AppError> {
    app.audit_trail()
}

/// Turns kiosk mode on or off: the setting, and the window full screen or not.
#[tauri::command]
fn set_kiosk<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
    on: bool,
) -> Result<(), AppError> {
    app.set_kiosk(on)?;
    fullscreen(&handle, on);
    Ok(())
}

/// Closes the app; in kiosk mode only with the staff passphrase.
#[tauri::command]
fn close_app<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
    passphrase: String,
) -> Result<(), AppError> {
    app.close_app(&passphrase)?;
    handle.exit(0);
    Ok(())
}

fn fullscreen<R: Runtime>(handle: &AppHandle<R>, on: bool) {
    if let Some(window) = handle.get_webview_window("main") {
        if let Err(e) = window.set_fullscreen(on) {
            eprintln!("psi-feedback: full screen could not be changed: {e}");
        }
    }
}

/// Saves a backup of the database where staff choose, with the native save dialog.
#[tauri::command]
async fn backup_file<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
) -> Result<Option<String>, AppError> {
    app.staff_activity()?; // staff only, checked before the dialog opens
    let name = format!(
        "psi-feedback-backup-{}.sqlite3",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let chosen = handle
        .dialog()
        .file()
        .set_title(locale::text("dialog.backup.title"))
        .set_file_name(name)
        .add_filter(locale::text("dialog.backup.filter"), &["sqlite3"])
        .blocking_save_file();
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen
        .into_path()
        .map_err(|e| AppError::export("error.export.no_path", vec![("detail", e.to_string())]))?;
    app.backup_to(&path)?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command]
fn ask_to_talk(app: State<'_, App>) -> Result<u32, AppError> {
    app.ask_to_talk()
}

#[tauri::command]
fn acknowledge_talk(app: State<'_, App>) -> Result<u32, AppError> {
    app.acknowledge_talk()
}

#[tauri::command]
fn update_help_lines(
    app: State<'_, App>,
    help: serde_json::Value,
) -> Result<BTreeMap<String, Vec<String>>, AppError> {
    app.update_help_lines(help)
}

#[tauri::command]
fn remember_choices(app: State<'_, App>, choices: serde_json::Value) -> Result<(), AppError> {
    app.remember_choices(choices)
}

/// The practitioner's estimate of this hand-over, held in the app until the person
/// sends their answers; the page keeps no copy.
#[tauri::command]
fn hold_estimate(app: State<'_, App>, estimate: serde_json::Value) -> Result<(), AppError> {
    app.hold_estimate(serde_json::json!({ "estimate": estimate }))
}

/// The person did not send their answers: the estimate held for them goes.
#[tauri::command]
fn forget_estimate(app: State<'_, App>) {
    app.forget_estimate()
}

#[tauri::command]
fn set_ask_estimate(app: State<'_, App>, on: bool) -> Result<(), AppError> {
    app.set_ask_estimate(on)
}

#[tauri::command]
fn staff_overview(
    app: State<'_, App>,
    period: String,
    span: Option<String>,
) -> Result<Overview, AppError> {
    app.overview(&period, span.as_deref())
}

#[tauri::command]
fn staff_comments(app: State<'_, App>) -> Result<Vec<Comment>, AppError> {
    app.comments()
}

#[tauri::command]
fn update_settings(app: State<'_, App>, settings: serde_json::Value) -> Result<Context, AppError> {
    app.update_settings(settings)
}

#[tauri::command]
fn preview_export(app: State<'_, App>, request: serde_json::Value) -> Result<Preview, AppError> {
    app.preview_export(request)
}

#[tauri::command]
fn release_history(app: State<'_, App>) -> Result<Vec<ReleaseEntry>, AppError> {
    app.release_history()
}

#[tauri::command]
fn disclosure_settings(app: State<'_, App>) -> Result<DisclosureSettings, AppError> {
    app.disclosure_settings()
}

#[tauri::command]
fn update_disclosure_settings(
    app: State<'_, App>,
    settings: serde_json::Value,
) -> Result<DisclosureSettings, AppError> {
    app.update_disclosure_settings(settings)
}

#[derive(serde::Serialize)]
struct ExportResult {
    saved: bool,
    path: Option<String>,
    groups: usize,
    withheld: usize,
    reissued: bool,
}

/// Builds the export, asks where to save it with the native dialog, and writes it.
/// The webview never gets a filesystem permission. Async so the dialog does not block
/// the main thread.
#[tauri::command]
async fn export_file<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
    request: serde_json::Value,
) -> Result<ExportResult, AppError> {
    let (request, prepared) = app.prepare_export(request)?;
    let (label, ext) = match request.format {
        export::Format::Csv => (locale::text("dialog.export.csv"), "csv"),
        export::Format::Json => (locale::text("dialog.export.json"), "json"),
        export::Format::Html => (locale::text("dialog.export.html"), "html"),
    };
    let chosen = handle
        .dialog()
        .file()
        .set_title(locale::text("dialog.export.title"))
        .set_file_name(request.file_name())
        .add_filter(label, &[ext])
        .blocking_save_file();
    let Some(chosen) = chosen else {
        return Ok(ExportResult {
            saved: false,
            path: None,
            groups: 0,
            withheld: 0,
            reissued: false,
        });
    };
    let path = chosen
        .into_path()
        .map_err(|e| AppError::export("error.export.no_path", vec![("detail", e.to_string())]))?;
    // A place the app may not write is refused before anything is recorded.
    app.check_output(&path)?;
    // Recorded in the ledger before the file is written: a file never leaves without
    // its record.
    let built = app.record_export(prepared, request.format)?;
    app.write_export(&path, &built.bytes)?;
    Ok(ExportResult {
        saved: true,
        path: Some(path.display().to_string()),
        groups: built.groups,
        withheld: built.withheld,
        reissued: built.reissued,
    })
}

/// The script the window runs when a close is refused: it asks for the passphrase.
/// A fixed string; nothing from outside goes into it.
const CLOSE_REQUESTED_JS: &str =
    "window.psiFeedback && window.psiFeedback.closeRequested && window.psiFeedback.closeRequested()";

/// Registers the plugin and commands on any runtime, so tests can use the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(|tauri_app| {
            let app = tauri_app.state::<App>();
            let kiosk = app.state().map(|s| s.kiosk).unwrap_or(false);
            if kiosk {
                fullscreen(tauri_app.handle(), true);
            }
            // The window is up: the full check of the data file runs beside it, on its
            // own read-only connection. Writes wait for it.
            app.start_full_check();
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<App>().close_needs_passphrase() {
                    api.prevent_close();
                    if let Some(webview) = window.get_webview_window(window.label()) {
                        let _ = webview.eval(CLOSE_REQUESTED_JS);
                    }
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            app_state,
            setup,
            submit_response,
            unlock_staff,
            lock_staff,
            staff_activity,
            retry_unsaved,
            discard_unsaved,
            change_passphrase,
            safety_settings,
            update_retention,
            audit_trail,
            set_kiosk,
            close_app,
            backup_file,
            staff_overview,
            staff_comments,
            update_settings,
            export_file,
            preview_export,
            release_history,
            disclosure_settings,
            update_disclosure_settings,
            ask_to_talk,
            acknowledge_talk,
            update_help_lines,
            remember_choices,
            hold_estimate,
            forget_estimate,
            set_ask_estimate
        ])
}

/// The app with its state, on any runtime. A database that cannot be used still gets a
/// window, which tells staff what is wrong and where the file is.
pub fn build_app<R: Runtime>(
    builder: tauri::Builder<R>,
    db: &Path,
) -> Result<tauri::App<R>, String> {
    self::builder(builder)
        .manage(App::open(db, Timeouts::from_env()))
        .build(tauri::generate_context!())
        .map_err(|e| e.to_string())
}

/// Runs the window until it is closed.
pub fn run(db: &Path) -> Result<(), String> {
    let app = build_app(tauri::Builder::default(), db)?;
    app.run(|_, _| {});
    Ok(())
}
