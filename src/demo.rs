//! `govscan demo`: generate the demo county portal, serve it on 127.0.0.1
//! and scan it, with every outside-looking host mapped to loopback.

use crate::cli::{DemoCmd, ScanOptions};
use crate::crawl::resolver::ResolveRule;
use crate::crawl::site::SiteSpec;
use crate::run::{run_scan, summary, today_in_china, ScanSetup};
use govscan_demo::{portal, server};
use std::process::ExitCode;
use std::sync::Arc;

/// The scan options the demo uses: loopback only (every demo host resolved
/// to 127.0.0.1, and `v6_hosts` to `[::1]` too), no rate limit, short
/// timeouts, a fixed date.
pub fn demo_options(
    port: u16,
    hosts: &[String],
    v6_hosts: &[String],
    now: chrono::NaiveDate,
) -> ScanOptions {
    ScanOptions {
        offline: true,
        rate: 0.0,
        timeout: 2.0,
        retries: 1,
        now: Some(now),
        resolve: hosts
            .iter()
            .map(|h| ResolveRule {
                host: h.clone(),
                port,
                addr: std::net::Ipv4Addr::LOCALHOST.into(),
            })
            .chain(v6_hosts.iter().map(|h| ResolveRule {
                host: h.clone(),
                port,
                addr: std::net::Ipv6Addr::LOCALHOST.into(),
            }))
            .collect(),
        ..ScanOptions::default()
    }
}

/// The same options as a command line, for `--serve-only` to print.
fn command_line(opts: &ScanOptions) -> String {
    let mut line = format!(
        "--offline --rate {} --timeout {} --retries {}",
        opts.rate, opts.timeout, opts.retries
    );
    if let Some(now) = opts.now {
        line.push_str(&format!(" --now {now}"));
    }
    for r in &opts.resolve {
        line.push_str(&format!(" --resolve {}:{}:{}", r.host, r.port, r.addr));
    }
    line
}

/// Runs `govscan demo`.
pub async fn run_demo(cmd: DemoCmd) -> anyhow::Result<ExitCode> {
    let now = cmd.now.unwrap_or_else(today_in_china);
    // The portal on 127.0.0.1 and, for the IPv6 checks, on [::1] at the
    // same port (where this machine has no IPv6 loopback, the demo's hosts
    // get no AAAA records).
    let cannot = |e: std::io::Error| {
        crate::run::UsageError(format!(
            "cannot listen on 127.0.0.1:{}: {e}",
            cmd.port.unwrap_or(0)
        ))
    };
    let (listener, v6_listener, addr) = match cmd.port {
        None => server::bind_dual().await.map_err(cannot)?,
        Some(port) => {
            let (listener, addr) = server::bind_port(port).await.map_err(cannot)?;
            (listener, server::bind_v6(port).await, addr)
        }
    };
    let closed = server::closed_port().await?;
    let options = portal::DemoOptions {
        articles: cmd.articles.max(10),
        bench: cmd.bench,
        extra_sites: cmd.extra_sites,
        extra_site_pages: cmd.extra_site_pages,
        realistic: cmd.realistic,
        dead_template_links: cmd.dead_template_links,
    };
    let demo = portal::build_with(addr.port(), closed, now, &options);
    let v6_hosts = if v6_listener.is_some() {
        demo.v6_hosts.clone()
    } else {
        Vec::new()
    };
    let mut opts = demo_options(addr.port(), &demo.hosts, &v6_hosts, now);
    let sites: Vec<SiteSpec> = demo
        .sites
        .iter()
        .filter_map(|(name, url)| {
            Some(SiteSpec {
                name: name.clone(),
                seed: url::Url::parse(url).ok()?,
                extra: Vec::new(),
                level: demo.level_of(url),
            })
        })
        .collect();
    let portal = Arc::new(demo.portal);
    let server = server::serve(listener, portal.clone());
    let server_v6 = v6_listener.map(|l| server::serve(l, portal.clone()));
    if let Some(path) = &cmd.write_sites {
        let mut csv = String::from("name,url,level\n");
        for s in &sites {
            let level = s.level.map(|l| l.as_str()).unwrap_or("");
            csv.push_str(&format!("{},{},{level}\n", s.name, s.seed));
        }
        std::fs::write(path, csv)
            .map_err(|e| crate::run::UsageError(format!("cannot write {}: {e}", path.display())))?;
    }
    if cmd.serve_only {
        let expected: usize = sites
            .iter()
            .map(|s| portal.html_pages(s.seed.host_str().unwrap_or("")))
            .sum();
        println!(
            "示范门户已启动（127.0.0.1:{}），{} 个站点共 {expected} 个HTML页面。按 Ctrl-C 停止。",
            addr.port(),
            sites.len()
        );
        for s in &sites {
            println!("  {}  {}", s.name, s.seed);
        }
        println!(
            "扫描命令：govscan scan {} {}",
            sites
                .iter()
                .map(|s| s.seed.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            command_line(&opts)
        );
        tokio::signal::ctrl_c().await?;
        server.abort();
        if let Some(s) = &server_v6 {
            s.abort();
        }
        return Ok(ExitCode::SUCCESS);
    }
    opts.quiet = cmd.quiet;
    let setup = ScanSetup::new(sites, &opts, &cmd.out)?;
    let outcome = run_scan(setup).await?;
    server.abort();
    if !cmd.quiet {
        print!("{}", summary(&outcome, &cmd.out));
    }
    Ok(if outcome.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
