fn main() {
    // The UI is embedded in the binary: rebuild when it changes.
    println!("cargo:rerun-if-changed=ui");
    // Each of our commands gets its own permission; the capability file grants exactly these.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(psi_commands())),
    )
    .expect("tauri build step failed");
}

fn psi_commands() -> &'static [&'static str] {
    &[
        "app_state",
        "setup",
        "submit_response",
        "unlock_staff",
        "lock_staff",
        "staff_overview",
        "staff_comments",
        "update_settings",
        "export_file",
        "preview_export",
        "release_history",
        "disclosure_settings",
        "update_disclosure_settings",
        "staff_activity",
        "retry_unsaved",
        "discard_unsaved",
        "change_passphrase",
        "safety_settings",
        "update_retention",
        "audit_trail",
        "set_kiosk",
        "close_app",
        "backup_file",
        "ask_to_talk",
        "acknowledge_talk",
        "update_help_lines",
        "remember_choices",
        "hold_estimate",
        "forget_estimate",
        "set_ask_estimate",
    ]
}
