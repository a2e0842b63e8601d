//! The real app in a real window (under Xvfb), driven through tauri-driver and
//! WebKitWebDriver, for the end-to-end and accessibility tests. Controls are found by
//! their visible labels and roles, as a person or a screen reader finds them.
#![allow(dead_code)] // each test file uses part of it

pub mod a11y;
pub mod traces;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use psi_feedback::store::{ContextList, Store, DB_FILE};

pub const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");
pub const PASSPHRASE: &str = "calm blue harbour";

/// One app at a time: each test has its own tauri-driver and data directory.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(data_home: &Path, env: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let program = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".to_string());
        let child = Command::new(&program)
            .args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()])
            .env("XDG_DATA_HOME", data_home)
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .envs(env.iter().copied())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program} (install it with `cargo install tauri-driver --locked`): {e}"));
        // Both tauri-driver and the WebKitWebDriver it starts must listen before a
        // session is asked for: a request that reaches tauri-driver first is dropped.
        let deadline = Instant::now() + Duration::from_secs(20);
        for p in [port, port + 1] {
            while TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "tauri-driver did not listen on port {p}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops the app it started.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    // Two consecutive free ports: tauri-driver uses port and port + 1.
    loop {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let p = l.local_addr().unwrap().port();
        if p < 65000 && std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
}

pub struct Session {
    pub client: Client,
    _driver: Driver,
    pub data_home: tempfile::TempDir,
}

impl Session {
    pub async fn start(data_home: tempfile::TempDir) -> Session {
        Session::start_with(data_home, &[]).await
    }

    /// Starts the app with extra environment variables (such as shorter idle times).
    pub async fn start_with(data_home: tempfile::TempDir, env: &[(&str, &str)]) -> Session {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": BIN }),
        );
        caps.insert("browserName".into(), serde_json::json!("wry"));
        // Starting a session is retried with a new tauri-driver: on a busy machine it
        // now and then drops the first request (hyper's IncompleteMessage) before the
        // app has even started. Only the start is retried, never a step of a test.
        let mut attempt = 1;
        loop {
            let driver = Driver::start(data_home.path(), env);
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", driver.port))
                .await
            {
                Ok(client) => {
                    return Session {
                        client,
                        _driver: driver,
                        data_home,
                    }
                }
                Err(e) if attempt < 3 => {
                    eprintln!("no WebDriver session on attempt {attempt} ({e}); starting again");
                    attempt += 1;
                    drop(driver);
                    std::thread::sleep(Duration::from_secs(1));
                }
                Err(e) => panic!("a WebDriver session with the app: {e}"),
            }
        }
    }

    pub fn db(&self) -> PathBuf {
        db_in(self.data_home.path())
    }

    pub async fn end(self) {
        let _ = self.client.close().await;
    }

    pub async fn wait_for(&self, xpath: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(xpath))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                // Say what the window showed instead, and keep a picture of it.
                let shown = self.text().await;
                let shot = std::env::temp_dir().join("psi-feedback-e2e-failure.png");
                // Bounded: a screenshot of a page that threw can hang WebKitWebDriver,
                // which would hang the test instead of failing it.
                let png = tokio::time::timeout(Duration::from_secs(5), self.client.screenshot());
                if let Ok(Ok(png)) = png.await {
                    let _ = std::fs::write(&shot, png);
                }
                panic!(
                    "nothing matches {xpath}: {e}\nThe window shows:\n{shown}\n(screenshot: {})",
                    shot.display()
                );
            }
        }
    }

    /// The page's main heading, once it says `text`.
    pub async fn heading(&self, text: &str) {
        self.wait_for(&format!("//h1[normalize-space()={}]", lit(text)))
            .await;
    }

    /// Clicks an element as a person would, once it is scrolled to the middle of the
    /// window (WebKitWebDriver can miss elements it has to scroll a long way to).
    pub async fn click(&self, element: Element) {
        let arg = serde_json::to_value(&element).unwrap();
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .unwrap();
        element.click().await.unwrap();
    }

    pub async fn button(&self, name: &str) {
        let b = self
            .shown(&format!("//button[normalize-space()={}]", lit(name)))
            .await;
        self.click(b).await;
    }

    /// The first element matching `xpath` that is shown: the questionnaire's hidden
    /// pages hold buttons and questions with the same words as the page in view.
    pub async fn shown(&self, xpath: &str) -> Element {
        self.wait_for(xpath).await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            for e in self.client.find_all(Locator::XPath(xpath)).await.unwrap() {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
            assert!(Instant::now() < deadline, "nothing shown matches {xpath}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The control a `<label>` with this text is for.
    pub async fn labelled(&self, label: &str) -> Element {
        let l = self
            .wait_for(&format!("//label[normalize-space()={}]", lit(label)))
            .await;
        let id = l
            .attr("for")
            .await
            .unwrap()
            .expect("the label names its control");
        self.client.find(Locator::Id(&id)).await.unwrap()
    }

    pub async fn fill(&self, label: &str, text: &str) {
        let field = self.labelled(label).await;
        field.clear().await.unwrap();
        // A new line is typed with the Enter key (WebDriver's U+E007).
        field
            .send_keys(&text.replace('\n', "\u{E007}"))
            .await
            .unwrap();
    }

    /// Clicks the label of a choice inside the group whose legend is `question`.
    pub async fn answer(&self, question: &str, answer: &str) {
        let xpath = format!(
            "//fieldset[legend[normalize-space()={}]]//label[normalize-space()={}]",
            lit(question),
            lit(answer)
        );
        let label = self.shown(&xpath).await;
        self.click(label).await;
    }

    /// Chooses `answer` for one of the hand-over's session details (the group whose
    /// legend is `group`), opening the group first when the screen shows the last
    /// choice in its place.
    pub async fn choose(&self, group: &str, answer: &str) {
        let xpath = format!(
            "//fieldset[legend[normalize-space()={}]]//label[normalize-space()={}]",
            lit(group),
            lit(answer)
        );
        let label = self.wait_for(&xpath).await;
        if !label.is_displayed().await.unwrap() {
            let change = format!(
                "//div[@class='chosen'][p/span[normalize-space()={}]]/button",
                lit(group)
            );
            let change = self.wait_for(&change).await;
            self.click(change).await;
        }
        self.click(label).await;
    }

    /// From the hand-over screen to the person's first screen, with these details and
    /// the version and language the screen starts with.
    pub async fn hand_over(&self, team: &str, session_type: &str, role: &str) {
        self.heading("Before you hand over the device").await;
        self.choose("Team", team).await;
        self.choose("Session type", session_type).await;
        self.choose("Practitioner role", role).await;
        self.button("Start the questionnaire").await;
    }

    /// Waits for the questionnaire's part `n` (of `total`), in English.
    pub async fn part(&self, n: usize, total: usize) {
        self.wait_for(&format!(
            "//h1/span[normalize-space()={}]",
            lit(&format!("Part {n} of {total}"))
        ))
        .await;
    }

    /// Saves a screenshot of the window for the README when PSI_SCREENSHOT_DIR is set,
    /// scrolled so that `top` (an XPath) starts the view, or to the top of the page.
    /// The picture comes from the X server (ImageMagick's `import`): a WebDriver
    /// screenshot of a page with nothing left to paint can hang WebKitWebDriver.
    pub async fn screenshot(&self, name: &str, top: Option<&str>) {
        if let Ok(dir) = std::env::var("PSI_SCREENSHOT_DIR") {
            match top {
                Some(xpath) => {
                    let arg = serde_json::to_value(self.wait_for(xpath).await).unwrap();
                    let js =
                        "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -10);";
                    self.client.execute(js, vec![arg]).await.unwrap();
                }
                None => {
                    self.client
                        .execute("window.scrollTo(0, 0);", vec![])
                        .await
                        .unwrap();
                }
            }
            // Two frames, so the window shows the scrolled page before the picture.
            let frames = "const done = arguments[0];
                requestAnimationFrame(() => requestAnimationFrame(() => done()));";
            self.client.execute_async(frames, vec![]).await.unwrap();
            std::thread::sleep(Duration::from_millis(300));
            let o = Command::new("xdotool")
                .args(["search", "--name", "^PSI Feedback$"])
                .output()
                .expect("xdotool runs");
            let id = String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .expect("the app's window")
                .to_string();
            let path = Path::new(&dir).join(name);
            let ok = Command::new("import")
                .args(["-window", &id])
                .arg(&path)
                .status()
                .expect("ImageMagick's import runs (scripts/install-deps screenshots)")
                .success();
            assert!(ok, "no screenshot of window {id}");
        }
    }

    /// Opens the staff area with the test passphrase, from the hand-over screen.
    pub async fn unlock(&self) {
        self.button("Staff area").await;
        self.heading("Staff area").await;
        self.fill("Staff passphrase", PASSPHRASE).await;
        self.button("Unlock").await;
        self.wait_for("//button[normalize-space()='Lock staff area']")
            .await;
    }

    /// Shows one section of the staff area through its navigation, by the link's
    /// visible name ("Overview", "Settings", ...), and waits until it is on screen.
    pub async fn staff_section(&self, name: &str) -> Element {
        let link = self
            .wait_for(&format!(
                "//nav[@aria-label='Staff area sections']//a[normalize-space()={}]",
                lit(name)
            ))
            .await;
        self.click(link).await;
        let section = self
            .wait_for(&format!(
                "//section[not(@hidden)][h2[normalize-space()={}]]",
                lit(name)
            ))
            .await;
        assert!(
            section.is_displayed().await.unwrap(),
            "the {name} section is on screen"
        );
        section
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

pub fn db_in(data_home: &Path) -> PathBuf {
    data_home.join(psi_feedback::IDENTIFIER).join(DB_FILE)
}

/// An XPath string literal (our labels contain apostrophes, not double quotes).
pub fn lit(s: &str) -> String {
    assert!(!s.contains('"'));
    format!("\"{s}\"")
}

/// A data directory whose database is already set up, optionally with demo data.
pub fn configured_home(demo_responses: u64) -> tempfile::TempDir {
    demo_home(demo_responses, 3, 6)
}

/// A set-up data directory with `responses` demo responses from `teams` teams over the
/// `months` months before this one.
pub fn demo_home(demo_responses: u64, teams: usize, months: u32) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let mut store = Store::open(&db_in(home.path())).unwrap();
    store
        .configure(
            &psi_feedback::auth::hash(PASSPHRASE).unwrap(),
            &[
                (
                    ContextList::Teams,
                    vec!["North team".into(), "South team".into()],
                ),
                (
                    ContextList::SessionTypes,
                    vec!["Individual".into(), "Group".into()],
                ),
                (
                    ContextList::Roles,
                    vec!["Mental health nurse".into(), "Psychologist".into()],
                ),
            ],
        )
        .unwrap();
    if demo_responses > 0 {
        let opts = psi_feedback::demo::Options {
            responses: demo_responses,
            teams,
            months,
            seed: 7,
            last_month: psi_feedback::period::Month::current().prev(),
        };
        psi_feedback::demo::generate(&mut store, &opts).unwrap();
    }
    home
}

/// The questionnaire's pages of questions, as the window shows them: a section a page,
/// except that "did anything not feel right", the overall rating and "was coming your
/// choice" share the overall page. The comment has the last page, after these.
pub fn parts() -> Vec<Vec<&'static psi_feedback::questionnaire::Item>> {
    let q = psi_feedback::questionnaire::questionnaire();
    let mut parts: Vec<(&str, Vec<&psi_feedback::questionnaire::Item>)> = Vec::new();
    for section in &q.sections {
        let id = match section.id {
            "rupture" | "choice" => "overall",
            other => other,
        };
        match parts.iter_mut().find(|(p, _)| *p == id) {
            Some((_, items)) => items.extend(section.items.iter().copied()),
            None => parts.push((id, section.items.clone())),
        }
    }
    parts.into_iter().map(|(_, items)| items).collect()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}
