//! What the accessibility checks of the window tests share: axe-core's run on the page
//! as it is, the keyboard (keys, what has focus and whether its focus shows), and the
//! layout (small targets, sideways scrolling).

use std::path::PathBuf;

use serde_json::{json, Value};

use super::Session;

/// The rules checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
pub const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

pub fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing at {} ({e}): run `npm ci --prefix tests/axe` (scripts/test does)",
            path.display()
        )
    })
}

/// Runs axe-core on the page as it is now and adds every violation to `found`.
pub async fn axe(s: &Session, screen: &str, found: &mut Vec<String>) {
    let loaded = s
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap();
    if loaded != json!(true) {
        s.client.execute(&axe_source(), vec![]).await.unwrap();
        // The whole staff area is a long page: give axe time to check all of it.
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(180)),
            None,
            None,
        );
        s.client.update_timeouts(timeouts).await.unwrap();
    }
    let script = "
        const done = arguments[arguments.length - 1];
        // A dialog fades in: check the colours once it has.
        Promise.all(document.getAnimations().map((a) => a.finished))
          .then(() => axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
          .then((r) => done({ passes: r.passes.length, violations: r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary) })) }))
          .catch((e) => done({ error: String(e) })));";
    let result = s
        .client
        .execute_async(script, vec![json!(TAGS)])
        .await
        .unwrap();
    assert!(
        result.get("error").is_none(),
        "axe failed on {screen}: {result}"
    );
    assert!(
        result["passes"].as_u64().unwrap_or(0) > 5,
        "axe checked next to nothing on {screen}: {result}"
    );
    for v in result["violations"].as_array().unwrap() {
        found.push(format!(
            "{screen}: {} ({}): {}\n    {}",
            v["id"], v["impact"], v["help"], v["nodes"]
        ));
    }
}

pub fn assert_none(found: &[String]) {
    assert!(
        found.is_empty(),
        "axe-core found violations:\n{}",
        found.join("\n")
    );
}

/// Runs a script in the page and returns its value.
pub async fn js(s: &Session, script: &str) -> Value {
    s.client.execute(script, vec![]).await.unwrap()
}

/// What has focus, whether its focus indicator shows, and where it is.
pub async fn focused(s: &Session) -> Value {
    js(
        s,
        "const a = document.activeElement;
         // A radio's or checkbox's focus shows on its label row, which is what a person sees.
         const row = a.type === 'radio' || a.type === 'checkbox';
         const shown = row && a.labels.length ? a.labels[0] : a;
         const style = getComputedStyle(shown);
         const box = shown.getBoundingClientRect();
         return { tag: a.tagName.toLowerCase(), type: a.type || null, name: a.name || null,
                  value: a.value === undefined ? null : a.value, checked: !!a.checked,
                  text: (a.textContent || '').trim(),
                  outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                  top: box.top + window.scrollY };",
    )
    .await
}

/// Sends keys to whatever has focus, as a keyboard does.
pub async fn keys(s: &Session, keys: &str) {
    let active = s.client.active_element().await.unwrap();
    active.send_keys(keys).await.unwrap();
}

pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = "\u{E00D}";
pub const DOWN: &str = "\u{E015}";
pub const RIGHT: &str = "\u{E014}";

/// Tabs until something matching `want` has focus, checking on the way that every stop
/// shows its focus.
pub async fn tab_to(s: &Session, want: impl Fn(&Value) -> bool, what: &str) -> Value {
    for _ in 0..40 {
        keys(s, TAB).await;
        let f = focused(s).await;
        assert_eq!(f["outline"], json!(true), "no visible focus on {f}");
        if want(&f) {
            return f;
        }
    }
    panic!("Tab never reached {what}");
}

/// Controls smaller than 44 by 44 CSS pixels (a radio counts with its label, which is
/// what a finger or pointer hits), and whether the page scrolls sideways.
pub async fn layout_problems(s: &Session) -> Value {
    js(
        s,
        "const small = [];
         for (const c of document.querySelectorAll('button, input, textarea, select, a[href]')) {
           if (c.offsetParent === null && !c.closest('dialog[open]')) continue;
           const target = c.type === 'radio' && c.labels.length ? c.labels[0] : c;
           const r = target.getBoundingClientRect();
           if (r.width < 44 || r.height < 44) small.push((c.id || c.textContent.trim()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
         }
         const root = document.documentElement;
         return { small, sideways: root.scrollWidth > root.clientWidth,
                  width: root.clientWidth, fontSize: parseFloat(getComputedStyle(root).fontSize) };",
    )
    .await
}
