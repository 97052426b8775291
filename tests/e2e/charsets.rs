//! Pages in GBK, GB2312, GB18030 and BIG5, declared, undeclared and mislabelled:
//! titles and link texts come out right, never mojibake.

use crate::common::*;
use govscan_demo::server::Route;

const HOST: &str = "www.charset.gov.cn";

fn enc(label: &str, s: &str) -> Vec<u8> {
    encoding_rs::Encoding::for_label(label.as_bytes())
        .unwrap()
        .encode(s)
        .0
        .into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_charsets_decode_correctly() {
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page(
                "首页",
                r#"<a href="/gbk-header.html">1</a><a href="/gb2312-meta.html">2</a><a href="/big5.html">3</a>
                <a href="/gb18030.html">4</a><a href="/undeclared.html">5</a><a href="/liar.html">6</a><a href="/liar2.html">7</a>"#,
            ),
        );
        let long = "县人民政府关于做好冬季安全生产工作的通知。各乡镇人民政府，县政府各部门：为切实做好冬季安全生产工作，现将有关事项通知如下。".repeat(4);
        p.add(HOST, "/gbk-header.html", Route::new(200, "text/html; charset=GBK", enc("gbk", "<title>政务公开</title><a href=\"/gone1.html\">已删除的通知</a>")));
        p.add(
            HOST,
            "/gb2312-meta.html",
            Route::new(200, "text/html", enc("gb2312", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>通知公告</title>")),
        );
        p.add(HOST, "/big5.html", Route::new(200, "text/html", enc("big5", "<meta charset=\"big5\"><title>縣政府公告</title><a href=\"/gone2.html\">舊聞連結</a>")));
        p.add(HOST, "/gb18030.html", Route::new(200, "text/html; charset=gb18030", enc("gb18030", "<title>𠀾生僻字页面</title>")));
        p.add(HOST, "/undeclared.html", Route::new(200, "text/html", enc("gbk", &format!("<title>统计信息</title><p>{long}</p>"))));
        // Declares GBK but sends UTF-8, and the reverse.
        p.add(HOST, "/liar.html", Route::new(200, "text/html; charset=gbk", "<title>人事信息</title>".as_bytes().to_vec()));
        p.add(HOST, "/liar2.html", Route::new(200, "text/html; charset=utf-8", enc("gbk", &format!("<title>规划计划</title><p>{long}</p>"))));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let pages = &outcome.report.sites[0].pages;
    let title = |path: &str| {
        pages
            .iter()
            .find(|p| p.url.ends_with(path))
            .map(|p| p.title.to_string())
            .unwrap()
    };
    assert_eq!(title("/gbk-header.html"), "政务公开");
    assert_eq!(title("/gb2312-meta.html"), "通知公告");
    assert_eq!(title("/big5.html"), "縣政府公告");
    assert_eq!(title("/gb18030.html"), "𠀾生僻字页面");
    assert_eq!(title("/undeclared.html"), "统计信息");
    assert_eq!(title("/liar.html"), "人事信息");
    assert_eq!(title("/liar2.html"), "规划计划");
    let evidence: Vec<String> = findings(&outcome).into_iter().map(|f| f.evidence).collect();
    assert!(
        evidence.contains(&"已删除的通知".to_string()),
        "{evidence:?}"
    );
    assert!(evidence.contains(&"舊聞連結".to_string()), "{evidence:?}");
    // The CSV is UTF-8 with a BOM and carries the Chinese text intact.
    let csv = std::fs::read(out.path().join("findings.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBFsite,check,severity,page,target,status,detail,evidence\n")
    );
    assert!(String::from_utf8(csv).unwrap().contains("舊聞連結"));
}
