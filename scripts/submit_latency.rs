//! Measures the durable-submit latency: the time from a response payload reaching the
//! submit command's code (validation included) to its commit being synced to disk.
//! Usage: cargo run --release --example submit_latency -- DIR [COUNT]

use std::time::Instant;

use psi_feedback::app::App;
use psi_feedback::store::{ContextList, Store};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: submit_latency DIR [COUNT]"));
    let count: usize = args
        .next()
        .map(|c| c.parse().expect("COUNT is a number"))
        .unwrap_or(1000);
    let db = dir.join("submit-latency.sqlite3");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db).expect("open");
    store
        .configure(
            "$argon2id$unused",
            &[
                (ContextList::Teams, vec!["North".into()]),
                (ContextList::SessionTypes, vec!["Individual".into()]),
                (ContextList::Roles, vec!["Nurse".into()]),
            ],
        )
        .expect("configure");
    let app = App::new(store);
    let ctx = app.state().expect("state").context;
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let payload = serde_json::json!({
            "team": ctx.teams[0].id, "session_type": ctx.session_types[0].id, "role": ctx.roles[0].id,
            "answers": { "power_say": 1 + i % 5, "safety_trust": 4, "rupture": 1, "overall": 5 },
            "comment": if i % 10 == 0 { serde_json::json!("A short comment") } else { serde_json::Value::Null },
        });
        let start = Instant::now();
        app.submit(payload).expect("submit");
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "durable submit, {count} responses: median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(times[count / 2]),
        ms(times[count * 99 / 100]),
        ms(times[count - 1])
    );
}
