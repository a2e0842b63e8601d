//! The window's IPC on Tauri's mock runtime: the app's own compiled context,
//! capability and commands, called as a page would call them.

use std::path::Path;

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

/// The app's own origin on Linux; the capability grants our commands to local content only.
pub const APP_ORIGIN: &str = "tauri://localhost";

/// The app on the database at `db`, with its `main` window.
pub fn open(db: &Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = psi_feedback::shell::build_app(mock_builder(), db).unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, window)
}

/// Calls `cmd` from `window` as a page at `url` would: the reply, or the error as sent.
pub fn call_from<T: serde::de::DeserializeOwned>(
    window: &WebviewWindow<MockRuntime>,
    url: &str,
    cmd: &str,
    body: Value,
) -> Result<T, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: url.parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<T>().unwrap())
}

/// Calls `cmd` from the app's own page.
pub fn call<T: serde::de::DeserializeOwned>(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<T, Value> {
    call_from(window, APP_ORIGIN, cmd, body)
}
