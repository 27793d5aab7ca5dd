//! Reading a file to check: its bytes (a regular file only, never more than the size limit)
//! and their decoding (UTF-8 with or without BOM, or the PEP 263 coding declaration).

use std::path::Path;

/// Files larger than this are reported instead of read (generated data, not code).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The limit for notebooks, whose outputs (images, tables) are data beside the code and make
/// ordinary notebooks larger than [`MAX_FILE_SIZE`].
pub const MAX_NOTEBOOK_SIZE: u64 = 100 * 1024 * 1024;

/// The most bytes read of the file `path`.
fn size_limit(path: &Path) -> u64 {
    match crate::notebook::is_notebook(path) {
        true => MAX_NOTEBOOK_SIZE,
        false => MAX_FILE_SIZE,
    }
}

/// Reads a source file's bytes (not decoded: see [`decode_owned`]). Only a regular file is
/// read (a FIFO, device or socket named `.py` would block or never end), and never more than
/// [`MAX_FILE_SIZE`] bytes ([`MAX_NOTEBOOK_SIZE`] for a notebook), whatever its size claims
/// (`/proc` files and links to devices claim 0).
pub fn read_bytes(path: &Path) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    // One open and one fstat (a separate stat first cost a system call per file). Opened
    // without blocking: opening a FIFO would otherwise wait for a writer.
    let mut file = open_nonblocking(path).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let limit = size_limit(path);
    if meta.len() > limit {
        return Err(too_big(meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    read_to_end(&mut file, &mut bytes, limit).map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64, limit));
    }
    Ok((bytes, meta))
}

/// Reads a file the user named (a baseline, a file quoted in a report) as [`read_bytes`]
/// does: a regular file of at most [`MAX_FILE_SIZE`] bytes, else an error saying why.
pub fn read_user_file(path: &Path) -> Result<Vec<u8>, String> {
    read_bytes(path).map(|(bytes, _)| bytes)
}

/// Reads at most [`MAX_FILE_SIZE`]` + 1` bytes from `input` (stdin): more than
/// [`MAX_FILE_SIZE`] is over the limit (see [`over_limit`]).
pub fn read_capped(input: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut input.take(MAX_FILE_SIZE + 1), &mut bytes)?;
    Ok(bytes)
}

/// Why `bytes` cannot be checked because of their size, if they are over the limit.
pub fn over_limit(bytes: &[u8]) -> Option<String> {
    (bytes.len() as u64 > MAX_FILE_SIZE).then(|| too_big(bytes.len() as u64, MAX_FILE_SIZE))
}

fn too_big(len: u64, limit: u64) -> String {
    // Past the limit reading stops: the true size is known only from a file's metadata.
    let size = match len > limit + 1 {
        true => format!("file is {len} bytes, "),
        false => String::new(),
    };
    let what = match limit {
        MAX_NOTEBOOK_SIZE => "notebooks",
        _ => "source files",
    };
    format!("{size}over the {} MiB limit for {what}", limit >> 20)
}

/// What a path that is neither a file nor a folder is, as the reason it is not read.
pub(super) fn not_regular(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let what = if t.is_fifo() {
            "a FIFO (named pipe)"
        } else if t.is_char_device() {
            "a character device"
        } else if t.is_block_device() {
            "a block device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        format!("{what}, not a regular file: not read")
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        "not a regular file: not read".into()
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Reads the rest of `file` into `bytes`, stopping once it holds more than `limit` bytes: reads into the spare capacity until one returns nothing (std's
/// `File::read_to_end` first asks the file's size and position again, two more system calls
/// per file).
#[cfg(unix)]
fn read_to_end(file: &mut std::fs::File, bytes: &mut Vec<u8>, limit: u64) -> std::io::Result<()> {
    while bytes.len() as u64 <= limit {
        if bytes.len() == bytes.capacity() {
            bytes.reserve(8 * 1024);
        }
        match rustix::io::read(&*file, rustix::buffer::spare_capacity(bytes)) {
            Ok(0) => return Ok(()),
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn read_to_end(file: &mut std::fs::File, bytes: &mut Vec<u8>, limit: u64) -> std::io::Result<()> {
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), bytes).map(|_| ())
}

/// [`decode`] of bytes it may keep: plain UTF-8 (the common case) becomes the string without a
/// copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<String, String> {
    if !bytes.starts_with(b"\xEF\xBB\xBF")
        && memchr::memchr(0, &bytes).is_none()
        && matches!(
            coding_declaration(&bytes).as_deref(),
            None | Some("utf-8" | "utf8" | "utf-8-sig")
        )
    {
        return String::from_utf8(bytes).or_else(|e| decode(e.as_bytes()));
    }
    decode(&bytes)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// Decodes source bytes: UTF-8 (BOM allowed), or the encoding a PEP 263 coding line declares.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if memchr::memchr(0, bytes).is_some() {
        return Err("binary file (contains NUL bytes), not Python source".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = coding_declaration(bytes);
    match declared.as_deref() {
        None | Some("utf-8") | Some("utf8") | Some("utf-8-sig") => match std::str::from_utf8(bytes)
        {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                Err(format!(
                    "invalid UTF-8 at line {line} (byte {}); declare the encoding with a PEP 263 coding line",
                    e.valid_up_to()
                ))
            }
        },
        // CPython's ASCII codec and its aliases (the web's `ascii` label means windows-1252,
        // which would accept every byte).
        Some(
            "ascii" | "us-ascii" | "us" | "646" | "ansi-x3.4-1968" | "cp367" | "csascii" | "ibm367"
            | "iso646-us" | "iso-646.irv-1991" | "iso-ir-6",
        ) => match bytes.iter().position(|b| !b.is_ascii()) {
            None => Ok(String::from_utf8(bytes.to_vec()).expect("ASCII is UTF-8")),
            Some(at) => Err(format!(
                "byte {:#04x} at line {} (byte {at}) is not ASCII, as the coding declaration says",
                bytes[at],
                bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
            )),
        },
        Some("latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1") => {
            Ok(bytes.iter().map(|&b| b as char).collect())
        }
        Some(label) => {
            let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| format!("unknown encoding `{label}` in the coding declaration"))?;
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(format!("not valid {label} text"));
            }
            Ok(text.into_owned())
        }
    }
}

/// The encoding named by a PEP 263 declaration in the first two lines.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            if trimmed.is_empty() {
                continue;
            }
            return None;
        }
        if let Some(pos) = trimmed.find("coding") {
            let rest = &trimmed[pos + 6..];
            let rest = rest.strip_prefix([':', '='])?;
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name.to_ascii_lowercase().replace('_', "-"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notebooks_may_be_larger_than_source_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, fits) in [("big.ipynb", true), ("big.py", false)] {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            file.set_len(MAX_FILE_SIZE + 1).unwrap();
            match read_bytes(&path) {
                Ok((bytes, _)) => assert!(fits && bytes.len() as u64 == MAX_FILE_SIZE + 1),
                Err(e) => assert!(!fits && e.contains("10 MiB limit for source files"), "{e}"),
            }
        }
        let path = dir.path().join("huge.ipynb");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_NOTEBOOK_SIZE + 1).unwrap();
        let err = read_bytes(&path).unwrap_err();
        assert!(err.contains("100 MiB limit for notebooks"), "{err}");
    }

    #[test]
    fn decodes_utf8_with_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFx = 1\n").unwrap(), "x = 1\n");
    }

    #[test]
    fn honours_pep263_latin1() {
        let text = decode(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n").unwrap();
        assert!(text.contains('é'));
    }

    #[test]
    fn a_coding_declaration_of_ascii_rejects_other_bytes_as_cpython_does() {
        for declaration in [
            "# -*- coding: ascii -*-",
            "# coding=us-ascii",
            "# coding: 646",
        ] {
            let source = format!("{declaration}\ns = 'x'\n");
            assert_eq!(decode(source.as_bytes()).unwrap(), source);
            let mut bad = format!("{declaration}\ns = '").into_bytes();
            bad.extend_from_slice(b"\xe9'\n");
            let err = decode(&bad).unwrap_err();
            assert!(err.contains("line 2") && err.contains("not ASCII"), "{err}");
            assert!(decode_owned(bad).is_err());
        }
    }

    #[test]
    fn reports_invalid_utf8_with_line() {
        let err = decode(b"x = 1\ns = '\xff'\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn rejects_binary() {
        assert!(decode(b"\x00\x01\x02").unwrap_err().contains("binary"));
    }

    #[test]
    fn a_file_is_read_whole_whatever_room_is_made_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.py");
        let text: Vec<u8> = (0..20_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        for room in [0, 100, text.len(), text.len() + 1, 50_000] {
            let mut bytes = Vec::with_capacity(room);
            read_to_end(
                &mut std::fs::File::open(&path).unwrap(),
                &mut bytes,
                MAX_FILE_SIZE,
            )
            .unwrap();
            assert_eq!(bytes, text, "{room}");
        }
        assert_eq!(read_bytes(&path).unwrap().0, text);
    }

    #[test]
    fn windows_1252_declaration() {
        let text = decode(b"# coding=cp1252\ns = '\x93q\x94'\n").unwrap();
        assert!(text.contains('\u{201c}'));
    }
}
