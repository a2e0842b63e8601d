//! The Tauri shell: the only module that knows about Tauri. Each command forwards the
//! UI's payload to [`crate::app::App`] and returns its result or error.

use std::path::Path;

use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::app::{App, AppStateView, DisclosureSettings, Overview, Preview, Saved};
use crate::error::AppError;
use crate::export;
use crate::store::{Comment, Context, ReleaseEntry, Store};

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
fn staff_overview(app: State<'_, App>, period: String) -> Result<Overview, AppError> {
    app.overview(&period)
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
        export::Format::Csv => ("CSV spreadsheet", "csv"),
        export::Format::Json => ("JSON data", "json"),
        export::Format::Html => ("Printable report", "html"),
    };
    let chosen = handle
        .dialog()
        .file()
        .set_title("Save the anonymised summary")
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
        .map_err(|e| AppError::Export(e.to_string()))?;
    // Recorded in the ledger before the file is written: a file never leaves without
    // its record.
    let built = app.record_export(prepared, request.format)?;
    export::write_file(&path, &built.bytes)?;
    Ok(ExportResult {
        saved: true,
        path: Some(path.display().to_string()),
        groups: built.groups,
        withheld: built.withheld,
        reissued: built.reissued,
    })
}

/// Registers the plugin and commands on any runtime, so tests can use the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            app_state,
            setup,
            submit_response,
            unlock_staff,
            lock_staff,
            staff_overview,
            staff_comments,
            update_settings,
            export_file,
            preview_export,
            release_history,
            disclosure_settings,
            update_disclosure_settings
        ])
}

/// The app with its state, on any runtime. The store is opened before the window, so
/// a database that cannot be opened is reported instead of showing a broken window.
pub fn build_app<R: Runtime>(
    builder: tauri::Builder<R>,
    db: &Path,
) -> Result<tauri::App<R>, String> {
    let store =
        Store::open(db).map_err(|e| format!("cannot open the database {}: {e:?}", db.display()))?;
    self::builder(builder)
        .manage(App::new(store))
        .build(tauri::generate_context!())
        .map_err(|e| e.to_string())
}

/// Runs the window until it is closed.
pub fn run(db: &Path) -> Result<(), String> {
    let app = build_app(tauri::Builder::default(), db)?;
    app.run(|_, _| {});
    Ok(())
}
