//! Command-line interface (clap). Flags are English; reports speak Chinese.

use crate::crawl::resolver::ResolveRule;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// govscan: audits Chinese government websites against the national
/// website-management rules (国办秘函〔2019〕19号, 国办发〔2017〕47号) and says
/// what to fix.
#[derive(Debug, Parser)]
#[command(name = "govscan", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crawl sites and write findings.csv and pages.csv into --out.
    Scan(Box<ScanCmd>),
    /// Serve the built-in demo county portal on 127.0.0.1 and scan it (no network needed).
    Demo(DemoCmd),
    /// Re-render report.html and the CSV files of a scan from its report.json, without crawling.
    Report(ReportCmd),
    /// Probe each site's home page once (for cron every 30-60 minutes), or every --every.
    Probe(Box<ProbeCmd>),
    /// Delete history older than --keep-days from the database.
    Prune(PruneCmd),
    /// Queue tonight's province run in PostgreSQL: one job per site, for `govscan worker`s.
    Queue(Box<QueueCmd>),
    /// Claim and scan the queued sites of a province run (run one or more per machine).
    Worker(WorkerCmd),
    /// Show a province run's jobs: pending, running, done, failed, per worker.
    Status(StatusCmd),
    /// Print the built-in national rule profile (TOML), to copy and edit for --rules.
    Profile,
    /// Print the JSON Schema of report.json.
    Schema,
}

/// `govscan probe`.
#[derive(Debug, Args)]
pub struct ProbeCmd {
    /// Home page URLs to probe.
    pub urls: Vec<String>,
    /// A CSV site list (`name,url`), as for scan.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
    /// Keep probing at this interval (30m, 90s, 1h) until Ctrl-C.
    #[arg(long, value_name = "INTERVAL")]
    pub every: Option<String>,
    /// Stop after this many rounds (with --every).
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,
    /// Map HOST to ADDR like curl. Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<ResolveRule>,
    /// Request only --resolve hosts and loopback.
    #[arg(long)]
    pub offline: bool,
    /// A rule profile (its [availability] time limit is used).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// No output.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `govscan prune`.
#[derive(Debug, Args)]
pub struct PruneCmd {
    /// Keep this many days of runs and probes.
    #[arg(long, value_name = "N")]
    pub keep_days: u32,
    /// The history database.
    #[arg(long, value_name = "FILE", default_value = "govscan.db")]
    pub db: PathBuf,
}

/// `--fail-on`: which findings make a scan exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any 单项否决.
    Veto,
    /// Any veto or error.
    Error,
    /// Any veto, error or warning.
    Warning,
}

/// `govscan report`: `govscan report DIR`, or `govscan report --db
/// postgres://… --run NAME --out DIR` for a province run.
#[derive(Debug, Args)]
pub struct ReportCmd {
    /// The output folder of a scan (holding report.json).
    #[arg(required_unless_present = "db", conflicts_with = "db")]
    pub run_dir: Option<PathBuf>,
    /// Score with this rule profile instead of the one the scan used.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// A province run's database (postgres://user@host/db): write its report from the database.
    #[arg(long, value_name = "URL", requires = "out")]
    pub db: Option<String>,
    /// The province run (as named by `govscan queue --run`); the newest when omitted.
    #[arg(long, value_name = "NAME", requires = "db")]
    pub run: Option<String>,
    /// Where the province run's report is written.
    #[arg(long, value_name = "DIR", requires = "db")]
    pub out: Option<PathBuf>,
}

/// `govscan queue`: tonight's run of a province's sites, one job per site.
#[derive(Debug, Args)]
pub struct QueueCmd {
    /// Home page URLs to queue (besides --sites).
    pub urls: Vec<String>,
    /// A CSV site list (`name,url`, optional `level`, `group` and `region` columns).
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// The run's name (workers and `report --run` use it); default: the date and time.
    #[arg(long, value_name = "NAME")]
    pub run: Option<String>,
    /// Sites of one group (platform) crawled at once across all workers.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub group_concurrency: u16,
    /// Attempts of a site (a worker lost, an error) before it is reported 未能检查.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_attempts: u16,
    /// Seconds a worker's claim on a site lasts unless renewed (renewed every third of it).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub lease_seconds: u16,
    /// Scan options, stored with the run (`--db` is the PostgreSQL URL).
    #[command(flatten)]
    pub opts: ScanOptions,
}

/// `govscan worker`: claims and scans the jobs of province runs.
#[derive(Debug, Args)]
pub struct WorkerCmd {
    /// The PostgreSQL database the runs are queued in (postgres://user@host/db).
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// Work on this run only; default: the oldest run with open jobs.
    #[arg(long, value_name = "NAME")]
    pub run: Option<String>,
    /// Sites this worker scans in total before it exits.
    #[arg(long, value_name = "N")]
    pub max_sites: Option<usize>,
    /// Keep polling for the next run when none is open (for systemd).
    #[arg(long)]
    pub wait: bool,
    /// Sites this worker scans at once.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub parallel_sites: usize,
    /// Seconds between looks at the queue while waiting.
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    pub poll: f64,
    /// This worker's name in `status` (default: host name and process id).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `govscan status`.
#[derive(Debug, Args)]
pub struct StatusCmd {
    /// The PostgreSQL database (postgres://user@host/db).
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// The run; default: the oldest open run, else the newest.
    #[arg(long, value_name = "NAME")]
    pub run: Option<String>,
}

/// `govscan scan`.
#[derive(Debug, Args)]
pub struct ScanCmd {
    /// Home page URLs of the sites to scan (http:// is assumed when no scheme is given).
    pub urls: Vec<String>,
    /// A CSV site list with columns `name,url` (more columns are kept). Bad lines are reported and skipped.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Output folder for findings.csv and pages.csv.
    #[arg(long, value_name = "DIR", default_value = "govscan-out")]
    pub out: PathBuf,
    /// Exit with code 1 when findings of this severity (or worse) exist, for cron alerts.
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// With --fail-on: count only findings that are new since the previous run.
    #[arg(long, requires = "fail_on")]
    pub fail_on_new: bool,
    /// The options shared with every command that crawls.
    #[command(flatten)]
    pub opts: ScanOptions,
}

/// `govscan demo`.
#[derive(Debug, Args)]
pub struct DemoCmd {
    /// Output folder for the demo's results.
    #[arg(long, value_name = "DIR", default_value = "govscan-demo")]
    pub out: PathBuf,
    /// Only serve the demo portal (until Ctrl-C) and print its address; do not scan.
    #[arg(long)]
    pub serve_only: bool,
    /// Benchmark mode: leave out the pages that are slow or fail on purpose.
    #[arg(long)]
    pub bench: bool,
    /// Add this many department sites (for the many-sites benchmark).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub extra_sites: usize,
    /// Benchmark: serve only a county portal of about N realistic pages
    /// (5–10 KB, 80–150 links each, 10% GBK, ~125 paginated columns).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub realistic: usize,
    /// Benchmark: the realistic portal's footer template carries two dead
    /// links, so every page has two findings (the findings' worst case).
    #[arg(long, requires = "realistic")]
    pub dead_template_links: bool,
    /// Pages of each extra site.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub extra_site_pages: usize,
    /// Write the demo's site list (CSV) to this file.
    #[arg(long, value_name = "FILE")]
    pub write_sites: Option<PathBuf>,
    /// Serve on this loopback port (default: a free one). A fixed port keeps the
    /// demo's URLs the same from run to run, so its history applies.
    #[arg(long)]
    pub port: Option<u16>,
    /// Number of article pages in the generated portal.
    #[arg(long, default_value_t = 240)]
    pub articles: usize,
    /// The date the demo pretends it is (YYYY-MM-DD); content is dated relative to it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub now: Option<chrono::NaiveDate>,
    /// No progress display or log lines.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Parses scan options from flags, for callers (the demo, tests) that
/// configure a scan the way a user would.
#[derive(Debug, Parser)]
#[command(name = "govscan")]
pub struct OptionsOnly {
    /// The options.
    #[command(flatten)]
    pub opts: ScanOptions,
}

/// The default User-Agent: `Mozilla/5.0 (compatible; govscan/VERSION; +URL)`,
/// the form crawlers use, so that firewalls and webmasters can tell what
/// it is and where to read about it.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "Mozilla/5.0 (compatible; govscan/",
    env!("CARGO_PKG_VERSION"),
    "; +",
    env!("CARGO_PKG_HOMEPAGE"),
    ")"
);

/// Whether the IPv6 checks run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Ipv6Mode {
    /// Skip them.
    Off,
    /// AAAA records, the home page and sampled links over IPv6.
    #[default]
    Check,
}

/// Options shared by every command that crawls.
// Serialised with a province run (`govscan queue`), so that every worker
// scans with the options the run was queued with; `default` keeps runs
// queued by an older govscan loading when options are added.
#[derive(Debug, Args, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ScanOptions {
    /// Requests per second per host (shared by all requests to that host, link checks included); 0 = no limit.
    #[arg(long, default_value_t = 5.0, value_name = "N")]
    pub rate: f64,
    /// Requests in flight across all sites.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub concurrency: usize,
    /// Requests in flight per site.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub site_concurrency: usize,
    /// Sites crawled at the same time.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub parallel_sites: usize,
    /// Pages crawled per site at most (links beyond are still checked).
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub max_pages: usize,
    /// Link depth from the home page at most (pagination chains of big columns run hundreds deep).
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub max_depth: u32,
    /// Time limit for one request in seconds, body included.
    #[arg(long, default_value_t = 20.0, value_name = "SECS")]
    pub timeout: f64,
    /// Retries after a timeout, a reset connection, 429 or 503 (with backoff, honouring Retry-After).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
    /// User-Agent header, in the form crawlers use; robots.txt rules are looked up for its product token (`govscan`).
    #[arg(long, default_value = DEFAULT_USER_AGENT)]
    pub user_agent: String,
    /// URLs matching this regex are never fetched (still analysed as links). Repeatable.
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,
    /// Extra host that counts as the same site (e.g. a static-file host). Repeatable.
    #[arg(long, value_name = "HOST")]
    pub include_host: Vec<String>,
    /// Ignore robots.txt (for a site's own webmaster).
    #[arg(long)]
    pub ignore_robots: bool,
    /// Do not read sitemap.xml for extra seeds.
    #[arg(long)]
    pub no_sitemap: bool,
    /// IPv6 checks: `check` looks up AAAA records and fetches the home page and a sample of level-2 and level-3 links over IPv6 (never the whole crawl twice); `off` skips them.
    #[arg(long, value_enum, default_value_t = Ipv6Mode::Check)]
    pub ipv6: Ipv6Mode,
    /// Render pages in the installed Chromium: `auto` renders list pages whose items a script writes and no native reader could read, and a script-written footer once per footer script per site (skipped, with a note, when Chromium is absent); `always` every page; `never` none. Chromium's requests go through govscan (rate limit, --resolve, --offline).
    #[arg(long, value_enum, default_value_t = crate::render::RenderMode::Auto)]
    pub render: crate::render::RenderMode,
    /// Pages Chromium renders at once (each a headless Chromium of about 200 MB).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub render_tabs: u16,
    /// Map HOST to ADDR like curl (the URL's port is used for the connection). Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<ResolveRule>,
    /// Request only --resolve hosts and loopback addresses; every other link is reported as not checked.
    #[arg(long)]
    pub offline: bool,
    /// Send every request through this HTTP proxy.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// The date the scan pretends it is (YYYY-MM-DD); default today in Asia/Shanghai.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub now: Option<chrono::NaiveDate>,
    /// A rule profile (TOML) instead of the built-in national one.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// HTML bodies larger than this many bytes are cut (and reported as page.oversize).
    #[arg(long, default_value_t = 5 * 1024 * 1024, value_name = "BYTES")]
    pub max_page_bytes: usize,
    /// URLs with the same path and query keys crawled per site at most (guards against endless calendars).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub trap_cap: u32,
    /// The history database: a SQLite file (default govscan.db beside the
    /// output folder) or a PostgreSQL URL (postgres://user@host/db).
    #[arg(long, value_name = "FILE|URL")]
    pub db: Option<PathBuf>,
    /// Keep no history (no database).
    #[arg(long, conflicts_with_all = ["db", "resume"])]
    pub no_db: bool,
    /// Continue the interrupted run of the same sites, without fetching again what it already has.
    #[arg(long)]
    pub resume: bool,
    /// Fetch everything again: no conditional requests, no reuse of outside-link checks.
    #[arg(long)]
    pub full: bool,
    /// Days a successful check of an outside link is reused (failures are always checked again).
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub link_cache_days: u32,
    /// No progress display or log lines.
    #[arg(long, short)]
    pub quiet: bool,
}

impl Default for ScanOptions {
    /// The defaults a user gets with no flags (the same values as `--help`
    /// shows), for callers that configure a scan in code: `probe`, the demo,
    /// tests.
    fn default() -> ScanOptions {
        // clap is the one place the defaults are written; an empty command
        // line always parses.
        match OptionsOnly::try_parse_from(["govscan"]) {
            Ok(o) => o.opts,
            Err(e) => unreachable!("the default scan options parse: {e}"),
        }
    }
}
