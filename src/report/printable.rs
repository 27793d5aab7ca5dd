//! Control characters made visible, for the line-based formats.

/// `text` with every control character (ESC, newline, carriage return, tab, DEL, the C1 range)
/// shown as a visible stand-in, as ruff shows them: the Unicode control picture (`␛`, `␊`, `␉`,
/// `␡`), or `�` for a C1 control, which has none. For what line-based formats print to a terminal
/// or a log (file names, messages, source lines): an escape sequence in a file name must not
/// reach the terminal, nor a newline split a finding's line. Borrowed when there is none.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c as u32 {
            code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_pictures() {
        assert!(matches!(
            printable("pkg/a b.py"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("\x1b[31mred\n\r\t\x7f\u{9b}\\é.py"),
            "␛[31mred␊␍␉␡\u{fffd}\\é.py"
        );
    }
}
