//! End to end with a real editor: headless Neovim, configured with its built-in LSP client to
//! start `dagster-api-lint server` for Python buffers, opens a file and reports the
//! diagnostics and a hover it received. Skipped (with `SKIPPED: nvim not found`) where Neovim
//! is not installed; CI installs Debian's `neovim` (0.7 on bookworm, which has
//! `vim.lsp.start_client` but not yet `vim.lsp.start`: the config uses whichever exists).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(90);

/// A user's config: start the server for every Python buffer.
const INIT_LUA: &str = r#"
vim.cmd("filetype on")
local function start()
  local config = {
    name = "dagster-api-lint",
    cmd = { vim.env.DAGSTER_API_LINT_BIN, "server" },
    root_dir = vim.fn.getcwd(),
  }
  if vim.lsp.start then
    vim.lsp.start(config)
  else
    vim.lsp.buf_attach_client(0, vim.lsp.start_client(config))
  end
end
vim.api.nvim_create_autocmd("FileType", { pattern = "python", callback = start })
"#;

/// Run after the file is loaded: wait for diagnostics, hover on `SourceAsset`, write JSON.
const REPORT_LUA: &str = r#"
local received = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(diagnostics, {
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, source = d.source, message = d.message,
    code = d.code or lsp.code,
  })
end
vim.api.nvim_win_set_cursor(0, { 3, 26 })
local hovers = vim.lsp.buf_request_sync(0, "textDocument/hover", vim.lsp.util.make_position_params(), 20000)
local hover = vim.NIL
for _, answer in pairs(hovers or {}) do
  if answer.result then hover = answer.result.contents.value end
end
local file = io.open(vim.env.REPORT, "w")
file:write(vim.json.encode({ received = received, diagnostics = diagnostics, hover = hover }))
file:close()
vim.cmd("qa!")
"#;

/// Line 3 (0-based 2) puts a 4-byte character before the finding: Neovim's byte columns
/// come out right only if the server's UTF-16 positions are.
const SOURCE: &str = r#"import dagster as dg

label = "🦀"; raw = dg.SourceAsset(key="raw")


@dg.asset(compute_kind="dbt")
def orders():
    return 1
"#;

#[test]
fn neovim_shows_diagnostics_and_hovers() {
    if Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("SKIPPED: nvim not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let project = root.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("assets.py"), SOURCE).unwrap();
    std::fs::write(root.join("init.lua"), INIT_LUA).unwrap();
    std::fs::write(root.join("report.lua"), REPORT_LUA).unwrap();
    let report = root.join("report.json");

    let mut nvim = Command::new("nvim");
    nvim.args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(root.join("init.lua"))
        .arg("assets.py")
        .arg("-c")
        .arg(format!("luafile {}", root.join("report.lua").display()))
        .current_dir(&project)
        .env(
            "DAGSTER_API_LINT_BIN",
            env!("CARGO_BIN_EXE_dagster-api-lint"),
        )
        .env("REPORT", &report)
        .env_remove("VIRTUAL_ENV")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for xdg in [
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
    ] {
        nvim.env(xdg, root.join("xdg"));
    }
    let mut child = nvim.spawn().expect("start nvim");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > TIMEOUT {
            child.kill().unwrap();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
        panic!(
            "no report from nvim ({e}); stderr: {stderr}; lsp log: {}",
            lsp_log(root)
        )
    });
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["received"], true, "{report}");

    let mut diagnostics = report["diagnostics"].as_array().unwrap().clone();
    diagnostics.sort_by_key(|d| d["lnum"].as_u64());
    let summary: Vec<(u64, u64, u64, &str, &str)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["lnum"].as_u64().unwrap(),
                d["col"].as_u64().unwrap(),
                d["end_col"].as_u64().unwrap(),
                d["code"].as_str().unwrap_or("?"),
                d["source"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    let line = SOURCE.lines().nth(2).unwrap();
    let dg = line.find("dg.SourceAsset").unwrap() as u64; // a byte column
    assert_eq!(
        summary,
        [
            (2, dg, dg + 14, "DAG001", "dagster-api-lint"),
            (5, 10, 28, "DAG002", "dagster-api-lint"),
        ],
        "{report}"
    );
    assert_eq!(diagnostics[0]["severity"], 2, "a warning: {report}");
    let hover = report["hover"].as_str().unwrap_or_default();
    assert!(
        hover.contains("`dagster.SourceAsset`") && hover.contains("deprecated"),
        "{report}"
    );
}

fn lsp_log(root: &Path) -> String {
    ["xdg/nvim/lsp.log", "xdg/lsp.log"]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok())
        .unwrap_or_default()
}
