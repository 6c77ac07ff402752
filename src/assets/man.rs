//! Man pages: `agentctl.1` and one page per subcommand, each with SYNOPSIS (value
//! placeholders), its own OPTIONS apart from the GLOBAL OPTIONS, EXIT STATUS, ENVIRONMENT,
//! EXAMPLES (as written, never refilled) and SEE ALSO, and the version in the footer.

use std::io::Write;

const VERSION: &str = concat!("agentctl ", env!("CARGO_PKG_VERSION"));

/// One man page: its file name (`agentctl-heartbeat-send.1`) and its roff text.
pub struct Page {
    pub file: String,
    pub contents: Vec<u8>,
}

/// `agentctl.1` and one page per subcommand (`agentctl-heartbeat-send.1`, …) of `command`,
/// the program's clap tree.
pub fn pages(command: &clap::Command) -> Vec<Page> {
    // The pages say the crate version, not the commit `--version` adds: they are committed.
    let mut root = command
        .clone()
        .disable_help_subcommand(true)
        .version(env!("CARGO_PKG_VERSION"));
    root.build();
    let mut pages = vec![Page {
        file: "agentctl.1".into(),
        contents: root_page(&root),
    }];
    fn walk(command: &clap::Command, path: &[&str], pages: &mut Vec<Page>) {
        let siblings: Vec<String> = command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| page_name(path, s.get_name()))
            .collect();
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name());
            let name = sub_path.join("-");
            pages.push(Page {
                file: format!("{name}.1"),
                contents: sub_page(sub, &sub_path, &siblings).into_bytes(),
            });
            walk(sub, &sub_path, pages);
        }
    }
    walk(&root, &["agentctl"], &mut pages);
    pages
}

fn page_name(path: &[&str], name: &str) -> String {
    let mut parts = path.to_vec();
    parts.push(name);
    parts.join("-")
}

/// Escapes text for roff: backslashes, hyphens (so they stay hyphens), and a leading dot or
/// quote that would read as a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// `--interval <DUR>`, `-o, --output <FMT>`, `--all`, `<UUID>...`
fn arg_synopsis(arg: &clap::Arg) -> String {
    let value = arg
        .get_value_names()
        .map(|names| {
            names
                .iter()
                .map(|n| format!("<{n}>"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| format!("<{}>", arg.get_id().as_str().to_uppercase()));
    let takes_value = arg.get_action().takes_values();
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    if names.is_empty() {
        let many = matches!(arg.get_num_args(), Some(range) if range.max_values() > 1);
        return if many { format!("{value}...") } else { value };
    }
    let names = names.join(", ");
    if takes_value {
        format!("{names} {value}")
    } else {
        names
    }
}

fn local_args(command: &clap::Command) -> impl Iterator<Item = &clap::Arg> {
    command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set() && !arg.is_global_set() && arg.get_id() != "help")
}

fn help_text(arg: &clap::Arg) -> String {
    let mut text = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() && arg.get_action().takes_values() {
        text.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    if !values.is_empty() && arg.get_action().takes_values() {
        text.push_str(&format!(" [possible values: {}]", values.join(", ")));
    }
    text
}

fn sub_page(command: &clap::Command, path: &[&str], siblings: &[String]) -> String {
    let name = path.join("-");
    let spaced = path.join(" ");
    let mut page = format!(
        ".TH \"{}\" 1 \"\" \"{VERSION}\" \"agentctl manual\"\n",
        name.to_uppercase()
    );
    let about = command
        .get_about()
        .map(|a| a.to_string())
        .unwrap_or_default();
    page.push_str(&format!(".SH NAME\n{} \\- {}\n", roff(&name), roff(&about)));

    page.push_str(".SH SYNOPSIS\n");
    let mut synopsis = format!("\\fB{}\\fR", roff(&spaced));
    for arg in local_args(command).filter(|a| !a.is_positional()) {
        synopsis.push_str(&format!(" [{}]", roff(&arg_synopsis(arg))));
    }
    synopsis.push_str(" [\\fIGLOBAL OPTIONS\\fR]");
    if command.has_subcommands() {
        synopsis.push_str(" \\fICOMMAND\\fR");
    }
    for arg in local_args(command).filter(|a| a.is_positional()) {
        synopsis.push_str(&format!(" {}", roff(&arg_synopsis(arg))));
    }
    page.push_str(&format!("{synopsis}\n"));

    page.push_str(".SH DESCRIPTION\n");
    // A command without a long about (so that its --help keeps the short layout) says the
    // rest of its description after its options, ahead of "Examples:".
    let after = command
        .get_after_help()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let (notes, examples) = match command.get_long_about() {
        Some(_) => ("", after.as_str()),
        None => after
            .find("Examples:")
            .map_or((after.as_str(), ""), |at| after.split_at(at)),
    };
    let mut description = command
        .get_long_about()
        .or(command.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    if !notes.trim().is_empty() {
        description = format!("{description}\n\n{}", notes.trim());
    }
    for paragraph in description.split("\n\n") {
        page.push_str(&format!("{}\n.PP\n", roff(&paragraph.replace('\n', " "))));
    }

    let locals: Vec<&clap::Arg> = local_args(command).collect();
    if !locals.is_empty() {
        page.push_str(".SH OPTIONS\n");
        for arg in locals {
            page.push_str(&format!(
                ".TP\n\\fB{}\\fR\n{}\n",
                roff(&arg_synopsis(arg)),
                roff(&help_text(arg))
            ));
        }
    }
    if command.has_subcommands() {
        page.push_str(".SH COMMANDS\n");
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            page.push_str(&format!(
                ".TP\n\\fB{}\\fR(1)\n{}\n",
                roff(&page_name(path, sub.get_name())),
                roff(&sub.get_about().map(|a| a.to_string()).unwrap_or_default())
            ));
        }
    }
    page.push_str(
        ".SH \"GLOBAL OPTIONS\"\nAccepted before or after the subcommand: \\fB\\-\\-host\\fR, \
         \\fB\\-\\-profile\\fR, \\fB\\-o\\fR, \\fB\\-\\-jq\\fR, \\fB\\-r\\fR, \\fB\\-c\\fR, \\fB\\-\\-no\\-headers\\fR, \
         \\fB\\-\\-request\\-timeout\\fR, \\fB\\-\\-retries\\fR, \\fB\\-\\-cacert\\fR, \
         \\fB\\-\\-allow\\-insecure\\-http\\fR, \\fB\\-\\-config\\-dir\\fR, \\fB\\-\\-no\\-color\\fR, \
         \\fB\\-\\-no\\-input\\fR, \\fB\\-v\\fR, \\fB\\-q\\fR; see \\fBagentctl\\fR(1).\n",
    );
    page.push_str(&exit_status_section());
    page.push_str(ENVIRONMENT_SECTION);
    if !examples.is_empty() {
        let examples = examples
            .strip_prefix("Examples:")
            .unwrap_or(examples)
            .trim_matches('\n');
        page.push_str(".SH EXAMPLES\n.nf\n");
        for line in examples.lines() {
            page.push_str(&format!("{}\n", roff(line.trim_start())));
        }
        page.push_str(".fi\n");
    }
    let mut see_also = vec!["\\fBagentctl\\fR(1)".to_owned()];
    for sibling in siblings.iter().filter(|s| **s != name) {
        see_also.push(format!("\\fB{}\\fR(1)", roff(sibling)));
    }
    page.push_str(&format!(".SH \"SEE ALSO\"\n{}\n", see_also.join(", ")));
    page
}

fn root_page(root: &clap::Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(root.clone()).source(VERSION);
    let mut out = Vec::new();
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    let _ = man.render_subcommands_section(&mut out);
    let _ = out.write_all(exit_status_section().as_bytes());
    let _ = out.write_all(ENVIRONMENT_SECTION.as_bytes());
    let _ = out.write_all(ROOT_SECTIONS.as_bytes());
    out
}

/// EXIT STATUS, from the one table of `ErrorKind`.
fn exit_status_section() -> String {
    let mut section = String::from(".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\nsuccess\n");
    for kind in crate::error::ErrorKind::ALL {
        section.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            kind.exit_code(),
            roff(kind.meaning())
        ));
    }
    section
}

/// ENVIRONMENT, on every page.
const ENVIRONMENT_SECTION: &str = r#".SH ENVIRONMENT
.TP
\fBAGENTCTL_HOST\fR
API base URL, like \fB\-\-host\fR.
.TP
\fBAGENTCTL_TOKEN\fR
Bearer token. There is no flag for it: a secret on the command line lands in shell history and \fBps\fR.
.TP
\fBAGENTCTL_PROFILE\fR
Profile from the config file, like \fB\-\-profile\fR.
.TP
\fBAGENTCTL_OUTPUT\fR
Output format, like \fB\-o\fR.
.TP
\fBAGENTCTL_CONFIG_DIR\fR
Configuration directory, like \fB\-\-config\-dir\fR.
.TP
\fBNO_COLOR\fR
Turns color off. \fBCLICOLOR_FORCE=1\fR forces it on.
"#;

/// The sections of `agentctl.1` that clap does not know about.
const ROOT_SECTIONS: &str = r#".SH FILES
.TP
\fI~/.config/agentctl/config.toml\fR
Profiles and settings (not secrets).
.TP
\fI~/.config/agentctl/credentials.toml\fR
Tokens, one per profile; mode 0600.
.SH EXAMPLES
.nf
agentctl heartbeat send agent\-abc123\-def456 \-\-version 1.2.3 \-\-uptime 1d \-\-cpu 12.5 \-\-mem 35.2
agentctl agent show web\-01 web\-02 \-o wide
agentctl agent show web\-01 \-\-jq .status \-r
.fi
"#;
