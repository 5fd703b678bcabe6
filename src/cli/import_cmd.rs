//! `carrierdesk import cdrs`, `carrierdesk export cdrs` and `carrierdesk demo cdrs`.

use super::count;
use crate::cdr::sample::{Shape, write_shaped_sample};
use crate::cdr::time::utc_text;
use crate::cdr::{FileZone, Format};
use crate::domain::Cdr;
use crate::service::{ImportOptions, ImportProgress, ImportReport, Service, actor_from_env};
use crate::spreadsheet;
use crate::text::Printable;
use anyhow::Context;
use chrono::{DateTime, NaiveDate};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// `carrierdesk import cdrs FILE... [--format F] [--tz ZONE] [--skip-bad] [--unmatched] [--unrated]`
#[derive(clap::Args, Debug)]
pub struct ImportCdrsArgs {
    /// CDR files, imported together in one transaction: all of them or nothing.
    #[arg(value_name = "FILE", required_unless_present_any = ["unmatched", "unrated"])]
    pub files: Vec<PathBuf>,
    /// The files' format; auto guesses it from each file's first rows and says what it guessed.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// The zone the files' times are written in: UTC, an offset (+02:00) or a zone name
    /// (Europe/Berlin). Asterisk and FreeSWITCH log local time unless set up for UTC.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: FileZone,
    /// Import the rows that can be read; write the others, with the reason, to a reject file.
    #[arg(long)]
    pub skip_bad: bool,
    /// The reject file of --skip-bad. Default: the first FILE's name with ".rejected.csv"
    /// added, in the current directory.
    #[arg(long, value_name = "PATH", requires = "skip_bad")]
    pub rejects: Option<PathBuf>,
    /// List the calls that match no customer, as CSV, after importing FILE... if given.
    #[arg(long)]
    pub unmatched: bool,
    /// List the calls rating could not price (no row of the customer's rate card covers the
    /// number) or cost (no cost card, or no exchange rate), as CSV, newest first.
    #[arg(long)]
    pub unrated: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Auto,
    /// carrierdesk CSV: a header row, calls priced with charge, cost and currency.
    Native,
    /// Asterisk cdr_csv Master.csv (16 to 21 fields).
    Asterisk,
    /// Asterisk cdr_custom with the sample mapping (clid first, accountcode after amaflags).
    AsteriskCustom,
    /// FreeSWITCH mod_cdr_csv, default (13 fields) or example (15 fields) template.
    Freeswitch,
}

impl FormatArg {
    fn format(self) -> Option<Format> {
        match self {
            FormatArg::Auto => None,
            FormatArg::Native => Some(Format::Native),
            FormatArg::Asterisk => Some(Format::Asterisk),
            FormatArg::AsteriskCustom => Some(Format::AsteriskCustom),
            FormatArg::Freeswitch => Some(Format::FreeSwitch),
        }
    }
}

/// Files smaller than this import too fast to need a progress bar.
const PROGRESS_BAR_BYTES: u64 = 8 << 20;
/// How many unmatched calls `--unmatched` lists at most.
const UNMATCHED_LISTED: usize = 100_000;

/// Imports CDR files and prints what happened.
pub fn run(service: &mut Service, args: ImportCdrsArgs) -> anyhow::Result<()> {
    if !args.files.is_empty() {
        // In the current directory by default: the files' own directory (a switch's log
        // directory, say) is often not the operator's to write in.
        let rejects = args.skip_bad.then(|| {
            args.rejects.clone().unwrap_or_else(|| {
                let mut name = args.files[0].file_name().unwrap_or_default().to_os_string();
                name.push(".rejected.csv");
                PathBuf::from(name)
            })
        });
        let options = ImportOptions {
            format: args.format.format(),
            zone: args.tz,
            rejects,
        };
        let actor = actor_from_env(service.store());
        let total: u64 = args
            .files
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let bar = progress_bar(total);
        let started = Instant::now();
        let report =
            service.import_cdrs(&actor, &args.files, &options, &mut |p: ImportProgress| {
                bar.set_position(p.bytes_done);
                bar.set_message(count(p.rows, "row"));
            });
        bar.finish_and_clear();
        let report = report?;
        write!(
            Printable(std::io::stdout().lock()),
            "{}",
            summary(&report, started.elapsed().as_secs_f64())
        )?;
    }
    if args.unmatched {
        list_unmatched(service)?;
    }
    if args.unrated {
        list_unrated(service)?;
    }
    Ok(())
}

/// A byte-counting bar on stderr, for large imports on a terminal only: scripts and cron
/// get clean output.
fn progress_bar(total: u64) -> ProgressBar {
    if total < PROGRESS_BAR_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes}, {msg}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn summary(r: &ImportReport, seconds: f64) -> String {
    let mut s = String::new();
    let rate = if seconds > 0.0 {
        format!(" ({:.0} rows/s)", r.rows as f64 / seconds)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "Read {} from {} in {seconds:.2} s{rate}.",
        count(r.rows, "row"),
        count(r.files.len(), "file")
    );
    s.push_str(&r.details());
    s
}

/// The calls that matched no customer, as CSV on stdout.
fn list_unmatched(service: &Service) -> anyhow::Result<()> {
    let columns = [
        "uid",
        "start",
        "account_code",
        "channel",
        "src",
        "dst",
        "disposition",
        "duration",
    ];
    list_calls(
        service.unmatched_cdrs(UNMATCHED_LISTED)?,
        "unmatched call",
        &columns,
        |c| {
            vec![
                c.uid.to_string(),
                utc_text(c.start_at),
                c.account_code.to_string(),
                c.channel.to_string(),
                c.src.to_string(),
                c.dst.to_string(),
                c.disposition.to_string(),
                c.duration_s.to_string(),
            ]
        },
    )
}

/// The calls rating could not price or cost, as CSV on stdout.
fn list_unrated(service: &Service) -> anyhow::Result<()> {
    let columns = [
        "uid",
        "start",
        "customer_id",
        "dst",
        "provider",
        "duration",
        "charged_by",
        "cost_by",
    ];
    list_calls(
        service.not_rated_cdrs(UNMATCHED_LISTED)?,
        "call",
        &columns,
        |c| {
            vec![
                c.uid.to_string(),
                utc_text(c.start_at),
                c.customer_id.map_or(String::new(), |id| id.to_string()),
                c.dst.to_string(),
                c.provider.to_string(),
                c.duration_s.to_string(),
                c.charged_by.name().to_string(),
                c.cost_by.name().to_string(),
            ]
        },
    )
}

/// Calls as CSV on stdout, and on stderr how many more there are than were listed. Their
/// text comes from CDR files as they were written: escaped for the terminal.
fn list_calls(
    (total, calls): (i64, Vec<Cdr<'static>>),
    what: &str,
    columns: &[&str],
    cells: impl Fn(&Cdr) -> Vec<String>,
) -> anyhow::Result<()> {
    let mut out = spreadsheet::Writer::from_writer(Printable(std::io::stdout().lock()));
    out.write_record(columns)?;
    for c in &calls {
        out.write_record(cells(c))?;
    }
    out.flush()?;
    if total > calls.len() as i64 {
        let more = total - calls.len() as i64;
        eprintln!("… and {} more", super::count(more, what));
    }
    Ok(())
}

/// A customer's calls of a period: `--customer ID --from DATE --to DATE`.
#[derive(clap::Args, Debug)]
pub struct CustomerPeriod {
    /// The customer's id.
    #[arg(long, value_name = "ID")]
    pub customer: i64,
    /// First day, UTC (YYYY-MM-DD), or an instant (2026-11-02T10:00:00Z).
    #[arg(long, value_name = "DATE", value_parser = parse_from)]
    pub from: i64,
    /// Last day, included (YYYY-MM-DD, UTC), or an instant, excluded.
    #[arg(long, value_name = "DATE", value_parser = parse_to)]
    pub to: i64,
}

/// `carrierdesk export cdrs --customer ID --from DATE --to DATE [--out PATH]`
#[derive(clap::Args, Debug)]
pub struct ExportCdrsArgs {
    #[command(flatten)]
    pub period: CustomerPeriod,
    /// The CSV file to write. Default: cdrs-ID-FROM-TO.csv in the current directory.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Writes a customer's CDRs of a period as CSV, times in UTC.
pub fn run_export(service: &Service, args: ExportCdrsArgs) -> anyhow::Result<()> {
    if args.period.from >= args.period.to {
        return Err(super::Stop::Usage("--from must come before --to".into()).into());
    }
    // Whole days are named by their dates, the last one included; other bounds by the
    // instant, so that an hour's report does not take the name of its day's.
    let whole_days = args.period.from % 86_400 == 0 && args.period.to % 86_400 == 0;
    let stamp = |t: i64| {
        let format = if whole_days {
            "%Y-%m-%d"
        } else {
            "%Y-%m-%dT%H%M%SZ"
        };
        chrono::DateTime::from_timestamp(t, 0)
            .map_or_else(|| t.to_string(), |d| d.format(format).to_string())
    };
    let last = if whole_days {
        args.period.to - 1
    } else {
        args.period.to
    };
    let path = args.out.unwrap_or_else(|| {
        PathBuf::from(format!(
            "cdrs-{}-{}-{}.csv",
            args.period.customer,
            stamp(args.period.from),
            stamp(last)
        ))
    });
    let n = service.export_cdrs(
        args.period.customer,
        args.period.from,
        args.period.to,
        &path,
    )?;
    writeln!(
        std::io::stdout().lock(),
        "{}: {} of customer {} from {} to {} (UTC)",
        path.display(),
        count(n, "call"),
        args.period.customer,
        utc_text(args.period.from),
        utc_text(args.period.to)
    )?;
    Ok(())
}

pub(super) fn parse_from(text: &str) -> Result<i64, String> {
    parse_date(text, false)
}

pub(super) fn parse_to(text: &str) -> Result<i64, String> {
    parse_date(text, true)
}

/// A day (its start, or with `end_of_day` the start of the next day, so that the day is
/// included) or an exact RFC 3339 instant.
fn parse_date(text: &str, end_of_day: bool) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let day = if end_of_day {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return Ok(day
            .and_hms_opt(0, 0, 0)
            .map_or(0, |d| d.and_utc().timestamp()));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp())
        .map_err(|_| {
            format!("'{t}' is neither a day (2026-11-02) nor an instant (2026-11-02T10:00:00Z)")
        })
}

/// `carrierdesk demo cdrs --out FILE --rows N`
#[derive(clap::Args, Debug)]
pub struct DemoCdrsArgs {
    /// The Asterisk Master.csv file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// How many calls.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    /// Calls go to customers 1 to N of the demo database, by account code or id.
    #[arg(long, default_value_t = 200)]
    pub customers: u32,
    /// Seed of the generator: the same seed gives the same calls.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The same calls shuffled within each day, as files of several switches put together
    /// (or written at hang-up) come.
    #[arg(long)]
    pub shuffle_within_day: bool,
    /// Random UUIDs as the calls' uids, as FreeSWITCH gives them.
    #[arg(long)]
    pub uuid_uids: bool,
}

/// Writes a believable Asterisk Master.csv of the 7 days up to now, in UTC.
pub fn run_demo(args: DemoCdrsArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let until = chrono::Utc::now().timestamp();
    let shape = Shape {
        shuffled_within_day: args.shuffle_within_day,
        uuid_uids: args.uuid_uids,
    };
    write_shaped_sample(
        &args.out,
        args.rows,
        args.customers,
        args.seed,
        until,
        shape,
    )
    .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: {} for customers 1 to {}, 7 days up to now in UTC, in {:.1} s",
        args.out.display(),
        count(args.rows, "Asterisk Master.csv row"),
        args.customers,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(clap::Subcommand)]
    enum Command {
        Import(ImportCdrsArgs),
        Export(ExportCdrsArgs),
        Demo(DemoCdrsArgs),
    }

    #[test]
    fn the_command_lines_parse() {
        Cli::command().debug_assert();
        let parse = |args: &[&str]| Cli::try_parse_from(["carrierdesk"].iter().chain(args));
        let Ok(Cli {
            command: Command::Import(a),
        }) = parse(&[
            "import",
            "a.csv",
            "b.csv",
            "--format",
            "asterisk-custom",
            "--tz",
            "Europe/Berlin",
            "--skip-bad",
        ])
        else {
            panic!("import did not parse");
        };
        assert_eq!(a.files.len(), 2);
        assert_eq!(a.format.format(), Some(Format::AsteriskCustom));
        assert_eq!(a.tz.to_string(), "Europe/Berlin");
        assert!(a.skip_bad && !a.unmatched);
        assert!(parse(&["import", "--unmatched"]).is_ok());
        assert!(
            parse(&["import"]).is_err(),
            "files are needed without --unmatched"
        );
        assert!(
            parse(&["import", "a.csv", "--rejects", "r.csv"]).is_err(),
            "--rejects needs --skip-bad"
        );
        let err = parse(&["import", "a.csv", "--tz", "Mars/Base"])
            .err()
            .unwrap();
        assert!(err.to_string().contains("time zone name"), "{err}");
        assert!(
            parse(&[
                "export",
                "--customer",
                "12",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30"
            ])
            .is_ok()
        );
        assert!(parse(&["demo", "--out", "Master.csv", "--rows", "10"]).is_ok());
    }

    #[test]
    fn days_cover_whole_utc_days() {
        let from = parse_from("2026-11-02").unwrap();
        let to = parse_to("2026-11-02").unwrap();
        assert_eq!(to - from, 86_400);
        assert_eq!(utc_text(from), "2026-11-02T00:00:00Z");
        assert_eq!(
            parse_to("2026-11-02T10:00:00+01:00").unwrap(),
            from + 9 * 3600
        );
        assert!(
            parse_from("02/11/2026")
                .unwrap_err()
                .contains("neither a day")
        );
    }

    #[test]
    fn the_summary_names_the_format_and_the_unrated_customers() {
        let report = ImportReport {
            files: vec![crate::service::FileReport {
                path: "Master.csv".into(),
                format: Some(Format::Asterisk),
                guessed: true,
                rows: 3,
            }],
            zone: "Europe/Berlin".into(),
            rows: 3,
            inserted: 2,
            unmatched: 1,
            no_rate: vec![crate::service::CustomerRef {
                id: 2,
                name: "Bluewave Voice GmbH".into(),
            }],
            ..ImportReport::default()
        };
        let text = summary(&report, 0.5);
        assert!(
            text.starts_with("Read 3 rows from 1 file in 0.50 s (6 rows/s).\n"),
            "{text}"
        );
        assert!(text.contains(
            "Master.csv: Asterisk cdr_csv (Master.csv), guessed from its first rows, 3 rows"
        ));
        assert!(text.contains("times read as Europe/Berlin"));
        assert!(text.contains("No rate card or rate, charged 0: Bluewave Voice GmbH (#2)"));
        assert!(text.contains("listed by `import cdrs --unmatched`"));
    }
}
