//! The lockdown: the app never touches the network and the page can do nothing but call
//! our own commands. A strict CSP (no inline or eval'd code, no remote source), a
//! capability that grants only our commands, no shell, filesystem or network plugin and
//! no HTTP client in the build. These tests read the configuration as it is compiled
//! into the app, the capability and permission files, the manifest and the lock file,
//! and drive the real IPC on the mock runtime, so that loosening any of it fails here.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::utils::config::{Config, DisabledCspModificationKind, FrontendDist, WebviewUrl};
use tauri::WebviewWindow;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The IPC endpoints, the only thing the page may fetch: the `ipc:` custom protocol on
/// Linux and macOS, and `http://ipc.localhost` where custom protocols are served over
/// http (Windows, Android).
const IPC_SOURCES: [&str; 2] = ["ipc:", "http://ipc.localhost"];

/// `path` relative to the package root, for messages and comparisons.
fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn read(relative: &str) -> String {
    let path = Path::new(ROOT).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under the folder `relative` to the package root, recursively.
fn files_under(relative: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(relative), &mut out);
    out.sort();
    out
}

/// The app as it ships (its compiled context and capability), on the mock runtime,
/// with a `main` window on the app's own origin.
struct Harness {
    _dir: tempfile::TempDir,
    app: tauri::App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let (app, main) = common::ipc::open(&dir.path().join("lockdown.sqlite3"));
        Harness {
            _dir: dir,
            app,
            main,
        }
    }

    fn config(&self) -> &Config {
        self.app.config()
    }
}

/// Calls `cmd` from `window` as a page at `url` would.
fn call(
    window: &WebviewWindow<MockRuntime>,
    url: &str,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    common::ipc::call_from(window, url, cmd, body)
}

/// A refusal by the capability check, before any handler runs. Debug builds say
/// "<plugin>.<command> not allowed. ..."; release builds "Command ... not allowed by
/// ACL". "Command ... not found" would mean the capability let the call through.
fn refused_by_acl(result: &Result<Value, Value>) -> bool {
    matches!(result, Err(Value::String(m)) if m.contains("not allowed"))
}

// ---------------------------------------------------------------------------------------
// Content Security Policy

/// A CSP as directive -> sources, refusing a directive given twice (the browser would
/// silently ignore the second, so a reader of the config could be misled).
fn parse_csp(csp: &str) -> BTreeMap<String, Vec<String>> {
    let mut directives = BTreeMap::new();
    for directive in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = directive.split_whitespace();
        let name = words.next().unwrap().to_ascii_lowercase();
        let sources: Vec<String> = words.map(str::to_string).collect();
        assert!(
            directives.insert(name.clone(), sources).is_none(),
            "{name} is given twice in {csp}"
        );
    }
    directives
}

fn sources<'a>(csp: &'a BTreeMap<String, Vec<String>>, directive: &str) -> Vec<&'a str> {
    csp.get(directive)
        .unwrap_or_else(|| panic!("the CSP has no {directive}: {csp:?}"))
        .iter()
        .map(String::as_str)
        .collect()
}

/// The rules both for the policy in the config and for the one Tauri serves with each
/// page; `script_src` is what script-src must be.
fn assert_strict(csp: &BTreeMap<String, Vec<String>>, script_src: &[&str]) {
    assert_eq!(sources(csp, "default-src"), ["'self'"]);
    assert_eq!(sources(csp, "script-src"), script_src);
    assert_eq!(sources(csp, "style-src"), ["'self'"]);
    // The app's own files (the locale files the window reads) and the IPC: nothing else.
    let connect: BTreeSet<&str> = sources(csp, "connect-src").into_iter().collect();
    let expected: BTreeSet<&str> = IPC_SOURCES.into_iter().chain(["'self'"]).collect();
    assert_eq!(connect, expected);
    assert_eq!(sources(csp, "object-src"), ["'none'"]);
    assert_eq!(sources(csp, "frame-ancestors"), ["'none'"]);
    assert_eq!(sources(csp, "base-uri"), ["'none'"]);
    assert_eq!(sources(csp, "form-action"), ["'none'"]);
    for (directive, list) in csp {
        for source in list {
            let allowed = matches!(source.as_str(), "'self'" | "'none'")
                || (directive == "connect-src" && IPC_SOURCES.contains(&source.as_str()))
                || (directive == "img-src" && source == "data:")
                || (directive == "script-src" && script_src.contains(&source.as_str()));
            assert!(
                allowed,
                "{directive} allows {source}: only the app's own files, the IPC and data: images may load"
            );
        }
    }
}

/// The policy compiled into the app: scripts and styles from the app's own files only
/// (an injected `<script>`, `onclick=` or `style=` does nothing, nor does `eval`),
/// connections only to the IPC and the app's own files, no `<object>` or `<embed>`, no framing by another page,
/// no remote source anywhere.
#[test]
fn the_compiled_csp_allows_only_the_apps_own_files_and_the_ipc() {
    let h = Harness::new();
    let security = &h.config().app.security;
    let csp = security
        .csp
        .as_ref()
        .expect("the config sets a CSP")
        .to_string();
    let csp = parse_csp(&csp);
    assert_strict(&csp, &["'self'"]);
    assert!(
        security.dev_csp.is_none(),
        "no separate, looser policy for development builds"
    );
    // Left unset, Tauri serves this policy plus the hashes of our script files, as the
    // next test checks. Setting it is the usual way to make an 'unsafe-inline' take
    // effect (a browser ignores 'unsafe-inline' in a directive that has a hash or nonce).
    assert!(
        matches!(
            security.dangerous_disable_asset_csp_modification,
            DisabledCspModificationKind::Flag(false)
        ),
        "dangerousDisableAssetCspModification must stay unset"
    );
}

/// The policy Tauri actually sends with each page. Tauri adds to script-src the
/// SHA-256 of every script file in the UI folder (which 'self' allows anyway) and of
/// every inline `<script>` in the page; so there must be exactly one hash per script
/// file: one more means an inline script was added and would be allowed. No nonces.
#[test]
fn the_served_csp_adds_nothing_but_the_hashes_of_our_script_files() {
    let h = Harness::new();
    let script_files = files_under("ui")
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "mjs")))
        .count();
    let pages: Vec<PathBuf> = files_under("ui")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(!pages.is_empty());
    for page in pages {
        let name = page
            .strip_prefix(Path::new(ROOT).join("ui"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let asset = h
            .app
            .asset_resolver()
            .get(name.clone())
            .unwrap_or_else(|| panic!("{name} is not embedded"));
        let header = asset
            .csp_header
            .unwrap_or_else(|| panic!("{name} is served without a CSP"));
        let csp = parse_csp(&header);
        let script_src = sources(&csp, "script-src");
        let hashes: Vec<&str> = script_src
            .iter()
            .copied()
            .filter(|s| s.starts_with("'sha256-") && s.ends_with('\''))
            .collect();
        assert_eq!(
            hashes.len(),
            script_files,
            "{name}: one hash per script file, none for inline scripts: {header}"
        );
        let mut expected = vec!["'self'"];
        expected.extend(&hashes);
        assert_strict(&csp, &expected);
    }
}

/// The UI is the local `ui` folder embedded in the binary: no dev server, no remote
/// page, no proxy, no asset protocol reading the disk, no extra headers, no capability
/// defined in the config instead of the `capabilities` folder checked below.
#[test]
fn the_app_loads_only_the_embedded_ui_folder() {
    let h = Harness::new();
    let config = h.config();
    assert!(
        matches!(&config.build.frontend_dist, Some(FrontendDist::Directory(d)) if d == Path::new("ui")),
        "frontendDist: {:?}",
        config.build.frontend_dist
    );
    assert_eq!(config.build.dev_url, None, "no dev server");
    let security = &config.app.security;
    assert!(!security.asset_protocol.enable, "no asset protocol");
    assert!(security.headers.is_none(), "no extra response headers");
    assert!(
        security.capabilities.is_empty(),
        "capabilities live in the capabilities folder only"
    );
    let windows: Vec<&str> = config
        .app
        .windows
        .iter()
        .map(|w| w.label.as_str())
        .collect();
    assert_eq!(windows, ["main"]);
    for window in &config.app.windows {
        assert!(
            matches!(&window.url, WebviewUrl::App(_)),
            "{}: the window shows the app's own page, not {}",
            window.label,
            window.url
        );
        assert_eq!(window.proxy_url, None, "{}: no proxy", window.label);
        assert!(!window.browser_extensions_enabled, "{}", window.label);
    }
}

// ---------------------------------------------------------------------------------------
// Capabilities and commands

/// The commands given to `tauri_build`'s app manifest in build.rs: each gets an
/// `allow-` and a `deny-` permission, and nothing else is an app permission.
fn manifest_commands() -> BTreeSet<String> {
    let build = read("src-tauri/build.rs");
    let start = build
        .find("fn psi_commands()")
        .expect("build.rs lists the commands in psi_commands()");
    // The body, past the return type `&'static [&'static str]`.
    let list = &build[start..];
    let list = &list[list.find('{').unwrap()..];
    let list = &list[list.find('[').unwrap()..list.find(']').unwrap()];
    let names: BTreeSet<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!names.is_empty());
    names
}

/// Every `#[tauri::command]` function in the shell, and every name in its
/// `generate_handler!`.
fn shell_commands() -> (BTreeSet<String>, BTreeSet<String>) {
    let shell = read("src-tauri/shell.rs");
    let mut defined = BTreeSet::new();
    let mut lines = shell.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[tauri::command]" {
            continue;
        }
        let def = lines
            .by_ref()
            .map(str::trim)
            .find(|l| !l.starts_with("#[") && !l.starts_with("///"))
            .unwrap();
        let name = def.split("fn ").nth(1).expect(def);
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        defined.insert(name);
    }
    let handler = shell
        .split("generate_handler![")
        .nth(1)
        .expect("shell.rs registers its commands with generate_handler!");
    let handler = &handler[..handler.find(']').unwrap()];
    let registered = handler
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (defined, registered)
}

/// A command can only be added together with its permission, and no permission exists
/// for a command that does not.
#[test]
fn every_command_has_its_permission_and_every_permission_its_command() {
    let manifest = manifest_commands();
    let (defined, registered) = shell_commands();
    assert_eq!(defined, manifest, "#[tauri::command] functions vs build.rs");
    assert_eq!(registered, manifest, "generate_handler! vs build.rs");
    // The app's permission files are the ones tauri_build generates for these
    // commands: no hand-written permission or set.
    let files: BTreeSet<String> = files_under("permissions")
        .iter()
        .map(|p| relative(p))
        .collect();
    let expected: BTreeSet<String> = manifest
        .iter()
        .map(|c| format!("permissions/autogenerated/{c}.toml"))
        .collect();
    assert_eq!(
        files, expected,
        "permission files other than those generated for our commands (tauri_build \
         leaves a removed command's file behind: delete it)"
    );
}

/// Every capability file together grants exactly `allow-<command>` for our commands
/// (and at most the dialog's save), to the main window, to local content only.
#[test]
fn the_capabilities_grant_only_our_commands_to_the_main_window() {
    let mut granted = BTreeSet::new();
    let files = files_under("capabilities");
    assert!(!files.is_empty());
    for file in files {
        let name = relative(&file);
        assert!(
            file.extension().is_some_and(|e| e == "json"),
            "{name}: capabilities are JSON here, so this test can read them"
        );
        let capability: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let object = capability.as_object().unwrap();
        let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        let known: BTreeSet<&str> = [
            "$schema",
            "identifier",
            "description",
            "windows",
            "permissions",
        ]
        .into();
        assert!(
            keys.is_subset(&known),
            "{name}: only windows and permissions, no remote, webviews, platforms or local: {keys:?}"
        );
        assert_eq!(capability["windows"], json!(["main"]), "{name}");
        for permission in capability["permissions"].as_array().unwrap() {
            let id = permission
                .as_str()
                .unwrap_or_else(|| panic!("{name}: a plain permission, no scope: {permission}"));
            granted.insert(id.to_string());
        }
    }
    let ours: BTreeSet<String> = manifest_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let extra: Vec<&String> = granted.difference(&ours).collect();
    assert!(
        extra.iter().all(|p| p.as_str() == "dialog:allow-save"),
        "granted beyond our commands: {extra:?}"
    );
    let missing: Vec<&String> = ours.difference(&granted).collect();
    assert!(
        missing.is_empty(),
        "commands the page cannot call: {missing:?}"
    );
}

/// Enforcement through the real IPC: every core and plugin command a compromised page
/// might try is refused by the capability check, while our own commands answer.
#[test]
fn core_and_plugin_commands_are_refused_and_ours_answer() {
    let h = Harness::new();
    let local = "tauri://localhost";
    assert!(call(&h.main, local, "app_state", json!({})).is_ok());
    for cmd in [
        "plugin:window|close",
        "plugin:window|set_fullscreen",
        "plugin:window|set_title",
        "plugin:webview|create_webview_window",
        "plugin:webview|internal_toggle_devtools",
        "plugin:event|listen",
        "plugin:event|emit",
        "plugin:path|resolve_directory",
        "plugin:app|version",
        "plugin:menu|new",
        "plugin:tray|new",
        "plugin:resources|close",
        "plugin:dialog|open",
        "plugin:dialog|save",
        "plugin:dialog|message",
        "plugin:fs|read_file",
        "plugin:fs|write_file",
        "plugin:shell|open",
        "plugin:shell|execute",
        "plugin:http|fetch",
        "plugin:opener|open_url",
        "plugin:process|exit",
        "plugin:updater|check",
    ] {
        let result = call(&h.main, local, cmd, json!({}));
        assert!(refused_by_acl(&result), "{cmd}: {result:?}");
    }
}

/// The capability is for the local page in the main window only: a remote page (had
/// the window navigated away) or another window cannot call our commands either.
#[test]
fn our_commands_are_refused_to_remote_pages_and_other_windows() {
    let h = Harness::new();
    for url in ["https://example.com", "http://localhost:8080"] {
        let result = call(&h.main, url, "app_state", json!({}));
        assert!(refused_by_acl(&result), "{url}: {result:?}");
    }
    let other = tauri::WebviewWindowBuilder::new(&h.app, "other", Default::default())
        .build()
        .unwrap();
    let result = call(&other, "tauri://localhost", "app_state", json!({}));
    assert!(refused_by_acl(&result), "another window: {result:?}");
}

// ---------------------------------------------------------------------------------------
// Dependencies

/// `name = ...` entries of each `[...dependencies]` section of Cargo.toml, by section.
fn manifest_dependencies() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut sections = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in read("Cargo.toml").lines().map(str::trim) {
        if line.starts_with('[') {
            let name = line.trim_matches(|c| c == '[' || c == ']').to_string();
            current = name.ends_with("dependencies").then_some(name);
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, line.split_once('=')) else {
            continue;
        };
        if line.starts_with('#') {
            continue;
        }
        sections
            .entry(section.clone())
            .or_insert_with(BTreeMap::new)
            .insert(key.trim().to_string(), value.trim().to_string());
    }
    sections
}

/// The `features = [...]` of an inline dependency table.
fn features_of(spec: &str) -> Vec<String> {
    let Some(rest) = spec.split("features").nth(1) else {
        return Vec::new();
    };
    let list = &rest[rest.find('[').unwrap() + 1..rest.find(']').unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The dialog is our only plugin; no Tauri feature is switched on beyond its defaults
/// (wry, compression, common-controls-v6, dynamic-acl, x11, dbus: none talks to the
/// network) except `test` for the tests and `custom-protocol` to embed the UI. Any
/// other feature (devtools, protocol-asset, native-tls, rustls-tls, ...) needs a
/// review first, so it fails here.
#[test]
fn the_manifest_names_no_plugin_but_the_dialog_and_no_tauri_feature() {
    let sections = manifest_dependencies();
    for (section, deps) in &sections {
        for name in deps.keys() {
            assert!(
                !name.starts_with("tauri-plugin") || name == "tauri-plugin-dialog",
                "[{section}] {name}: the dialog is the only plugin"
            );
        }
    }
    let features = |section: &str, dep: &str| -> Vec<String> {
        features_of(
            sections
                .get(section)
                .and_then(|d| d.get(dep))
                .unwrap_or_else(|| panic!("[{section}] has no {dep}")),
        )
    };
    assert_eq!(features("dependencies", "tauri"), Vec::<String>::new());
    assert_eq!(features("dev-dependencies", "tauri"), ["test"]);
    assert_eq!(
        features("build-dependencies", "tauri-build"),
        Vec::<String>::new()
    );
    // Features of our own that switch on Tauri features.
    let manifest = read("Cargo.toml");
    let ours = manifest
        .split("\n[features]")
        .nth(1)
        .expect("Cargo.toml has a [features] section");
    let ours = &ours[..ours.find("\n[").unwrap_or(ours.len())];
    let tauri_features: Vec<&str> = ours
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("tauri") && s.contains('/'))
        .collect();
    assert_eq!(tauri_features, ["tauri/custom-protocol"]);
    // The WebDriver client of the end-to-end tests is never part of the app.
    assert!(
        !sections["dependencies"].contains_key("fantoccini"),
        "fantoccini is for the end-to-end tests only"
    );
}

/// Cargo.lock as package name -> names of the packages it depends on (all versions of
/// a name merged, which can only add edges).
fn lock_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for package in read("Cargo.lock").split("[[package]]").skip(1) {
        let name = package
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .unwrap()
            .trim_matches('"')
            .to_string();
        let deps = graph.entry(name).or_default();
        if let Some(list) = package.split("dependencies = [").nth(1) {
            for dep in list[..list.find(']').unwrap()]
                .split('"')
                .skip(1)
                .step_by(2)
            {
                deps.insert(dep.split(' ').next().unwrap().to_string());
            }
        }
    }
    graph
}

fn dependents(graph: &BTreeMap<String, BTreeSet<String>>, name: &str) -> BTreeSet<String> {
    graph
        .iter()
        .filter(|(_, deps)| deps.contains(name))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Plugins and HTTP/WebSocket clients that are in no part of the resolved graph, for
/// any target, test or build script.
const NEVER_IN_THE_LOCK: &[&str] = &[
    "tauri-plugin-shell",
    "tauri-plugin-http",
    "tauri-plugin-opener",
    "tauri-plugin-updater",
    "tauri-plugin-process",
    "tauri-plugin-websocket",
    "tauri-plugin-upload",
    "tauri-plugin-localhost",
    "ureq",
    "isahc",
    "curl",
    "curl-sys",
    "attohttpc",
    "surf",
    "h2",
    "h3",
    "quinn",
    "hyper-rustls",
    "rustls",
    "tungstenite",
    "tokio-tungstenite",
    "async-tungstenite",
];

/// Network-capable crates that are in the lock file today but not in the app:
///
/// - `reqwest` (and `tower-http`, `hyper`, `hyper-util` through it) is a dependency of
///   `tauri` for Android and iOS only, where it proxies the dev server in development
///   builds (`cfg(all(dev, mobile))`); it is never compiled for a desktop target. The
///   lock file lists every target's dependencies, so it is there; the edge
///   tauri -> reqwest is the one cut in the reachability check below.
/// - `fantoccini` (with `hyper`, `hyper-util`, `hyper-tls`, `native-tls`, `openssl`)
///   is the WebDriver client of the end-to-end tests, a dev-dependency that talks to
///   the local tauri-driver and is not linked into the app.
///
/// Also in the app's graph, and not network clients of ours: `tokio` (Tauri's async
/// runtime, built without its `net` feature, so its `mio` and `socket2` entries are not
/// compiled), `http`, `url` and `cookie` (types only), and `soup3` under `webkit2gtk`, the
/// webview's own network stack, which the CSP above confines to the app's files and
/// the IPC.
const NOT_IN_THE_APP: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "hyper-tls",
    "tower-http",
    "native-tls",
    "tokio-native-tls",
    "openssl",
    "fantoccini",
    "webdriver",
];

/// The full resolved graph has no shell, HTTP or other plugin but the dialog, and no
/// HTTP client; the network-capable crates it does hold are reached only through the
/// documented paths, never from the app's own dependencies.
#[test]
fn the_lock_file_has_no_network_client_in_the_app() {
    let graph = lock_graph();
    for name in NEVER_IN_THE_LOCK {
        assert!(!graph.contains_key(*name), "{name} is in Cargo.lock");
    }
    let plugins: BTreeSet<&str> = graph
        .keys()
        .map(String::as_str)
        .filter(|n| n.starts_with("tauri-plugin"))
        .collect();
    // `tauri-plugin` is the helper crate for building plugins; `tauri-plugin-fs` comes
    // with the dialog, which uses its path type and, when the fs plugin is registered,
    // its scope. We never register it: its commands do not exist (see the IPC test).
    assert_eq!(
        plugins,
        ["tauri-plugin", "tauri-plugin-dialog", "tauri-plugin-fs"].into()
    );
    assert_eq!(
        dependents(&graph, "tauri-plugin-fs"),
        ["tauri-plugin-dialog".to_string()].into()
    );
    assert_eq!(
        dependents(&graph, "reqwest"),
        ["tauri".to_string()].into(),
        "reqwest comes only with tauri, for mobile targets"
    );

    // Everything the app and its build script can reach, from Cargo.toml's
    // [dependencies] and [build-dependencies], less tauri's mobile-only reqwest.
    let manifest = manifest_dependencies();
    let mut todo: Vec<String> = ["dependencies", "build-dependencies"]
        .iter()
        .flat_map(|s| manifest[*s].keys().cloned())
        .collect();
    let mut reached = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        for dep in graph
            .get(&name)
            .unwrap_or_else(|| panic!("{name} not in the lock"))
        {
            if !(name == "tauri" && dep == "reqwest") {
                todo.push(dep.clone());
            }
        }
    }
    for name in NOT_IN_THE_APP.iter().chain(NEVER_IN_THE_LOCK) {
        assert!(
            !reached.contains(*name),
            "{name} is reachable from the app's dependencies"
        );
    }
}
