//! Hostile servers: each scan ends within its limits, with the right
//! finding for the bad page and every other page still checked.

use crate::common::*;
use govscan_demo::server::Route;
use std::io::Write as _;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const HOST: &str = "www.hostile.gov.cn";

/// A raw TCP server on loopback: `handler` gets each connection after the
/// request head was read.
async fn raw_server<F, Fut>(handler: F) -> (u16, tokio::task::JoinHandle<()>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static + Clone,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let handler = handler.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                handler(sock).await;
            });
        }
    });
    (port, handle)
}

#[tokio::test(flavor = "multi_thread")]
async fn dripping_endless_and_bomb_bodies_are_bounded() {
    // Headers, then one byte a second.
    let (drip, _d) = raw_server(|mut sock| async move {
        let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>").await;
        for _ in 0..60 {
            if sock.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    // A body that never ends.
    let (endless, _e) = raw_server(|mut sock| async move {
        let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n").await;
        let chunk = "<p>政务公开</p>".repeat(4000);
        let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
        for _ in 0..100_000 {
            if sock.write_all(framed.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    // A gzip bomb: 256 KB on the wire, 256 MB inflated.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..256 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let fx = start(move |_, p| {
        p.page(
            HOST,
            "/",
            page(
                "首页",
                &format!(
                    r#"<a href="http://drip.hostile.gov.cn:{drip}/">滴</a><a href="http://endless.hostile.gov.cn:{endless}/">无尽</a><a href="/bomb.html">炸弹</a><a href="/big.html">大页面</a><a href="/fine.html">正常</a>"#
                ),
            ),
        );
        p.add(HOST, "/bomb.html", Route::new(200, "text/html", bomb).header("content-encoding", "gzip"));
        p.page(HOST, "/big.html", format!("<title>大</title>{}", "<p>政务公开信息</p>".repeat(3_000_000)));
        p.page(HOST, "/fine.html", page("正常", "<p>ok</p>"));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&[
        "--rate",
        "0",
        "--timeout",
        "3",
        "--retries",
        "0",
        "--max-page-bytes",
        "1000000",
        "--include-host",
        "endless.hostile.gov.cn",
    ]);
    f.extend(fx.resolve(&[HOST]));
    f.extend([
        "--resolve".into(),
        format!("drip.hostile.gov.cn:{drip}:127.0.0.1"),
    ]);
    f.extend([
        "--resolve".into(),
        format!("endless.hostile.gov.cn:{endless}:127.0.0.1"),
    ]);
    let started = Instant::now();
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    let drip_url = format!("http://drip.hostile.gov.cn:{drip}/");
    let endless_url = format!("http://endless.hostile.gov.cn:{endless}/");
    assert_eq!(
        got,
        set(&[
            ("link.dead", "/", &drip_url, "timeout"),
            ("page.oversize", &endless_url, &endless_url, "truncated"),
            ("page.oversize", "/bomb.html", "/bomb.html", "truncated"),
            ("page.oversize", "/big.html", "/big.html", "truncated"),
        ])
    );
    let pages = &outcome.report.sites[0].pages;
    for p in pages
        .iter()
        .filter(|p| p.url.contains("bomb") || p.url.contains("big") || p.url.contains("endless"))
    {
        assert_eq!(p.bytes, 1_000_000, "{} read {} bytes", p.url, p.bytes);
    }
    assert!(pages
        .iter()
        .any(|p| p.url.ends_with("/fine.html") && p.crawled));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_redirects_long_chains_and_storms_of_503() {
    let fx = start(|_, p| {
        let mut body = String::from(r#"<a href="/to-ftp.html">协议</a><a href="/to-private.html">内网</a><a href="/chain/0.html">长链</a><a href="/no-location.html">空跳转</a>"#);
        for i in 0..20 {
            body.push_str(&format!(r#"<a href="/busy/{i}.html">忙{i}</a>"#));
        }
        p.page(HOST, "/", page("首页", &body));
        p.add(HOST, "/to-ftp.html", Route::redirect(301, "ftp://files.hostile.gov.cn/a.doc"));
        p.add(HOST, "/to-private.html", Route::redirect(302, "http://10.20.30.40/internal/"));
        p.add(HOST, "/no-location.html", Route::new(302, "text/html", ""));
        for i in 0..30 {
            p.add(HOST, &format!("/chain/{i}.html"), Route::redirect(302, &format!("/chain/{}.html", i + 1)));
        }
        for i in 0..20 {
            p.add(HOST, &format!("/busy/{i}.html"), Route::html(page("忙", "<p>ok</p>")).failing_first(2));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--retries", "2"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    assert_eq!(
        got,
        set(&[
            ("link.dead", "/", "/to-ftp.html", "bad_redirect"),
            ("link.dead", "/", "/to-private.html", "redirect_private"),
            ("link.dead", "/", "/no-location.html", "bad_redirect"),
            ("link.dead", "/", "/chain/0.html", "too_many_redirects"),
        ])
    );
    // The chain stops at the redirect limit instead of walking all 30 hops.
    let chain = fx
        .portal
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/chain/"))
        .count();
    assert!(chain <= 12, "{chain} chain requests");
    // Every busy page answered after its retries: none is dead.
    for i in 0..20 {
        assert_eq!(fx.hits_for(HOST, &format!("/busy/{i}.html")).len(), 3);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_binary_and_huge_pages_never_panic() {
    let mut noise = Vec::with_capacity(64 * 1024);
    let mut x: u32 = 12345;
    for _ in 0..64 * 1024 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    let links: String = (0..10_000)
        .map(|i| format!(r#"<a href="/t/{}.html">链接{i}</a>"#, i % 500))
        .collect();
    let fx = start(move |_, p| {
        p.page(
            HOST,
            "/",
            page("首页", r#"<a href="/binary.html">二进制</a><a href="/invalid.html">坏编码</a><a href="/nul.html">空字符</a><a href="/many.html">万链</a>"#),
        );
        p.add(HOST, "/binary.html", Route::new(200, "text/html", noise));
        let mut invalid = b"<html><head><meta charset=utf-8><title>\xe5\x8e\xbf\xff\xfe\xe6\x94\xbf\xe5\xba\x9c</title></head><body><a href='/after-invalid.html'>".to_vec();
        invalid.extend_from_slice(b"\xc3\x28\xa0\xa1 ok</a>");
        invalid.extend_from_slice("<p>县人民政府关于做好冬季安全生产工作的通知，各乡镇人民政府，县政府各部门。</p>".repeat(3).as_bytes());
        invalid.extend_from_slice(b"</body></html>");
        p.add(HOST, "/invalid.html", Route::new(200, "text/html; charset=utf-8", invalid));
        p.add(
            HOST,
            "/nul.html",
            Route::new(200, "text/html", b"<html><body><a href='/ok.html'>ok</a>\0\0<div><table><tr><td><a href=/unclosed.html>unclosed<p><b><i>".to_vec()),
        );
        p.page(HOST, "/many.html", page("万链", &links));
        for path in ["/after-invalid.html", "/ok.html", "/unclosed.html"] {
            p.page(HOST, path, page("页", "<p>ok</p>"));
        }
        for i in 0..500 {
            p.page(HOST, &format!("/t/{i}.html"), page("目标", "<p>ok</p>"));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--concurrency", "32"]);
    f.extend(fx.resolve(&[HOST]));
    let started = Instant::now();
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(findings(&outcome).is_empty(), "{:?}", findings(&outcome));
    // Links after invalid bytes, NULs and unclosed tags are still followed.
    for path in ["/after-invalid.html", "/ok.html", "/unclosed.html"] {
        assert_eq!(fx.hits_for(HOST, path).len(), 1, "{path}");
    }
    // 10,000 links to 500 targets: each target requested once.
    for i in [0, 250, 499] {
        assert_eq!(fx.hits_for(HOST, &format!("/t/{i}.html")).len(), 1);
    }
    let pages = &outcome.report.sites[0].pages;
    let title = pages
        .iter()
        .find(|p| p.url.ends_with("/invalid.html"))
        .unwrap()
        .title
        .clone();
    assert!(
        title.starts_with('县') && title.ends_with("政府"),
        "{title}"
    );
}
