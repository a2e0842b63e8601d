//! Untrusted text as a message may quote it.

/// A name from a payload as a message quotes it: short, on one line.
pub fn quoted(name: &str) -> String {
    shown(name, 60)
}

/// Text from a payload as a message may quote it: one line, at most `max` characters.
pub fn shown(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}
