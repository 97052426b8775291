//! The county portal itself (示范县人民政府): its columns (with their
//! freshness plants), news articles carrying the planted link defects, the
//! templates with footer flaws, the home page, and the GBK 统计信息 column.
//! The policy columns and the content and IPv6 plants are built by their
//! own modules and linked from here.

use super::*;

pub(super) fn build_main(g: &mut Gen, site: &SiteInfo, articles: usize) {
    let share = |w: usize| (articles * w / 100).max(3);
    // Columns: (name, dir, count, age of newest item in days, days between items).
    let ywdt = g.items("/xwzx/ywdt/", "要闻动态", share(22), 1, 3);
    let bmdt = g.items("/xwzx/bmdt/", "部门动态", share(10), 40, 6); // stale: 动态 older than 14 days
    let xzdt = g.items("/xwzx/xzdt/", "乡镇动态", share(10), 5, 7);
    let tzgg = g.items("/zwgk/tzgg/", "通知公告", share(12), 20, 9);
    let rsxx = g.items("/zwgk/rsxx/", "人事信息", share(5), 400, 30); // stale: over a year
    let ghjh = g.items("/zwgk/ghjh/", "规划计划", share(5), 100, 45);
    let tjxx = g.items("/zwgk/tjxx/", "统计信息", share(6), 60, 30);
    let gsmd = g.items("/zwgk/gsmd/", "公示名单", 3, 10, 20);

    let city = g.base(CITY_HOST);
    let app = format!("http://{APP_HOST}:{}/", g.closed_port);

    // News articles; the first few carry the planted link defects.
    for (i, it) in ywdt.iter().enumerate() {
        let extra = match i {
            0 => format!(
                r#"<p>相关链接：<a href="/zwgk/tzgg/notfound.html">原通知</a>（软404）
<a href="/xwzx/old-topic/index.html">往期专题</a>（跳转首页）
<a href="/bsfw/guide.html#step9">办理第九步</a>（锚点缺失）
<a href="/bsfw/guide.html#step1">办理第一步</a>
<a href="/files/2024/budget.xls">预算表下载</a>（附件不存在）
<a href="/files/2025/plan.pdf">规划全文下载</a>
<a href="/slow/report.html">数据报告</a>（超时）
<a href="/loop/a.html">循环跳转</a>
<a href="/api/error.html">在线查询</a>（500）
<a href="{app}">网上办事系统</a>（拒绝连接）
<a href="/flaky/stat.html">统计快报</a>（先503后恢复）
<a href="/zwgk/tjxx/统计公报.html">统计公报</a></p>"#
            ),
            1 => r#"<p><a href="">附件</a> <a href="javascript:void(0)">查看原文</a> <a href="file:///C:/Users/admin/Desktop/会议纪要.doc">会议纪要</a> <a href="http://www.sfx demo.gov.cn/x.html">旧版网址</a> <a href="http://10.12.1.8/oa/">内网OA</a></p>"#.to_string(),
            2 => r#"<p><img src="/images/2019/photo-missing.jpg" alt="活动照片"></p>"#.to_string(),
            _ => String::new(),
        };
        g.article(site, "要闻动态", it, &extra, FooterFlaws::default());
    }
    for it in &bmdt {
        g.article(site, "部门动态", it, "", FooterFlaws::default());
    }
    // Township news template lacks the 找错 widget.
    for it in &xzdt {
        g.article(
            site,
            "乡镇动态",
            it,
            "",
            FooterFlaws {
                no_jiucuo: true,
                ..FooterFlaws::default()
            },
        );
    }
    for it in &tzgg {
        g.article(site, "通知公告", it, "", FooterFlaws::default());
    }
    for it in &rsxx {
        g.article(site, "人事信息", it, "", FooterFlaws::default());
    }
    // One planning page shows a wrong site code in its footer.
    for (i, it) in ghjh.iter().enumerate() {
        g.article(
            site,
            "规划计划",
            it,
            "",
            FooterFlaws {
                wrong_code: i == 0,
                ..FooterFlaws::default()
            },
        );
    }
    for (i, it) in gsmd.iter().enumerate() {
        let extra = if i == 0 {
            format!(
                "<table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr><tr><td>张三</td><td>{}</td><td>13812345678</td></tr><tr><td>李四</td><td>330102********1234</td><td>139****5678</td></tr></table>",
                demo_id_number()
            )
        } else {
            "<p>李四 330102********1234 联系电话 139****5678</p>".to_string()
        };
        g.article(site, "公示名单", it, &extra, FooterFlaws::default());
    }
    g.column_lists(site, "要闻动态", "/xwzx/ywdt/", &ywdt, "");
    g.column_lists(site, "部门动态", "/xwzx/bmdt/", &bmdt, "");
    g.column_lists(site, "乡镇动态", "/xwzx/xzdt/", &xzdt, "");
    g.column_lists(site, "通知公告", "/zwgk/tzgg/", &tzgg, "");
    g.column_lists(site, "人事信息", "/zwgk/rsxx/", &rsxx, "");
    g.column_lists(site, "规划计划", "/zwgk/ghjh/", &ghjh, "");
    g.column_lists(site, "公示名单", "/zwgk/gsmd/", &gsmd, "");
    g.column_lists(site, "财政信息", "/zwgk/czxx/", &[], "暂无信息");
    g.column_lists(
        site,
        "重大项目",
        "/zwgk/zdxm/",
        &[],
        "本栏目暂无信息。说明：本县本年度无政府投资重大建设项目，相关信息由市发展改革委统一发布。",
    );
    build_gbk_column(g, site, &tjxx);
    let (zcwj, zcjd) = build_policy(g, site);

    // Link targets of the planted defects.
    g.portal.page(
        site.host.as_str(),
        "/zwgk/tzgg/notfound.html",
        "<html><head><title>示范县人民政府</title></head><body><div class=\"error\">对不起，您访问的页面不存在或已被删除！</div><a href=\"/\">返回首页</a></body></html>",
    );
    g.portal.add(
        site.host.as_str(),
        "/xwzx/old-topic/index.html",
        Route::redirect(302, "/"),
    );
    g.portal.add(
        site.host.as_str(),
        "/loop/a.html",
        Route::redirect(302, "/loop/b.html"),
    );
    g.portal.add(
        site.host.as_str(),
        "/loop/b.html",
        Route::redirect(302, "/loop/a.html"),
    );
    g.portal.add(
        site.host.as_str(),
        "/api/error.html",
        Route::new(
            500,
            "text/html; charset=utf-8",
            "<h1>Internal Server Error</h1>",
        ),
    );
    g.portal.add(
        site.host.as_str(),
        "/slow/report.html",
        if g.bench {
            Route::html("<title>数据报告</title>")
        } else {
            Route::html("<title>数据报告</title>").delayed(std::time::Duration::from_secs(30))
        },
    );
    let flaky = g.layout(
        site,
        "统计快报",
        "",
        "<h1>统计快报</h1><p>本月统计快报。</p>",
        FooterFlaws::default(),
    );
    g.portal.add(
        site.host.as_str(),
        "/flaky/stat.html",
        Route::html(flaky).failing_first(if g.bench { 0 } else { 1 }),
    );
    g.portal.add(
        site.host.as_str(),
        "/files/2025/plan.pdf",
        Route::new(200, "application/pdf", vec![b'%'; 64 * 1024]),
    );
    g.portal.add(
        site.host.as_str(),
        "/css/main.css",
        Route::new(200, "text/css", "body{font-family:sans-serif}"),
    );
    g.portal.add(
        site.host.as_str(),
        "/js/common.js",
        Route::new(200, "application/javascript", "var x=1;"),
    );
    for img in ["/images/logo.png", "/images/gongan.png"] {
        g.portal.add(
            site.host.as_str(),
            img,
            Route::new(200, "image/png", vec![0u8; 128]),
        );
    }
    let guide = g.layout(
        site,
        "办事指南_示范县人民政府",
        "",
        r#"<h1>不动产登记办事指南</h1><h3 id="step1">第一步 申请</h3><p>提交材料。</p><h3 id="step2">第二步 受理</h3><p>窗口受理。</p>"#,
        FooterFlaws { bad_code: true, ..FooterFlaws::default() },
    );
    g.portal.page(site.host.as_str(), "/bsfw/guide.html", guide);
    for (path, title, text) in [
        (
            "/lxwm/",
            "联系我们",
            "办公室电话：0571-87654321，地址：示范县人民路1号。",
        ),
        ("/sybz/", "使用帮助", "本网站支持主流浏览器访问。"),
        ("/wza/", "无障碍服务", "无障碍浏览说明。"),
        (
            "/zwgk/sitemap-only.html",
            "政务公开指南",
            "本页仅在网站地图文件中列出。",
        ),
    ] {
        let html = g.layout(
            site,
            title,
            "",
            &format!("<h1>{title}</h1><p>{text}</p>"),
            FooterFlaws::default(),
        );
        g.portal.page(site.host.as_str(), path, html);
    }
    // The search page's template has a cut-down footer without 主办单位 and contacts.
    let search = g.layout(
        site,
        "站内搜索",
        "",
        "<h1>站内搜索</h1><p>请输入关键词。</p>",
        FooterFlaws {
            no_host: true,
            ..FooterFlaws::default()
        },
    );
    g.portal.page(site.host.as_str(), "/sousuo/", search);
    // A 专题 template without the ICP number and the sitemap link.
    let zt = g.items("/ztzl/yshj/", "营商环境专题", 4, 3, 5);
    let zt_flaws = FooterFlaws {
        no_icp: true,
        no_sitemap: true,
        ..FooterFlaws::default()
    };
    for it in &zt {
        g.article(site, "营商环境专题", it, "", zt_flaws);
    }
    let mut zt_body = String::from("<h2>优化营商环境专题</h2>");
    zt_body.push_str(&Gen::list_html(&zt));
    let zt_home = g.layout(
        site,
        "优化营商环境专题",
        r#"<meta name="ColumnName" content="营商环境专题">"#,
        &zt_body,
        zt_flaws,
    );
    g.portal.page(site.host.as_str(), "/ztzl/yshj/", zt_home);
    let columns: Vec<(&str, &str)> = vec![
        ("要闻动态", "/xwzx/ywdt/"),
        ("部门动态", "/xwzx/bmdt/"),
        ("乡镇动态", "/xwzx/xzdt/"),
        ("通知公告", "/zwgk/tzgg/"),
        ("政策文件", "/zwgk/zcwj/"),
        ("政策解读", "/zwgk/zcjd/"),
        ("人事信息", "/zwgk/rsxx/"),
        ("规划计划", "/zwgk/ghjh/"),
        ("财政信息", "/zwgk/czxx/"),
        ("重大项目", "/zwgk/zdxm/"),
        ("统计信息", "/zwgk/tjxx/"),
        ("公示名单", "/zwgk/gsmd/"),
    ];
    let mut map = String::from("<h1>网站地图</h1><ul>");
    for (name, dir) in &columns {
        let _ = write!(map, r#"<li><a href="{dir}">{name}</a></li>"#);
    }
    map.push_str("</ul>");
    let sitemap_page = g.layout(
        site,
        "网站地图_示范县人民政府",
        "",
        &map,
        FooterFlaws::default(),
    );
    g.portal.page(site.host.as_str(), "/wzdt/", sitemap_page);

    let content_block = content_plants::build(g, site) + &ipv6_plants::build(g, site);

    // Home page.
    let mut body = String::from(
        r#"<div class="banner"><img src="/images/banner-2019.jpg" alt="旧横幅"></div>"#,
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>要闻动态 <a href="/xwzx/ywdt/">更多</a></h3>{}</div>"#,
        Gen::list_html(&ywdt[..7.min(ywdt.len())])
    );
    let _ = write!(
        body,
        r##"<div class="box"><h3>通知公告 <a href="#">更多</a></h3>{}</div>"##,
        Gen::list_html(&tzgg[..5.min(tzgg.len())])
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>政策文件</h3>{}</div>"#,
        Gen::list_html(&zcwj[..4.min(zcwj.len())])
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>政策解读</h3>{}</div>"#,
        Gen::list_html(&zcjd[..3.min(zcjd.len())])
    );
    let _ = write!(
        body,
        r#"<div class="links"><h3>友情链接</h3>
<a href="{city}/">示范市人民政府</a>
<a href="{city}/zwgk/closed-column.html">市政务公开专栏</a>
<a href="http://www.old-tourism.sfx-demo.invalid/">原县旅游局网站</a>
<a href="http://192.168.10.5/oa/login.jsp">内部办公系统</a>
<a href="/xwzx/ywdt/202001/t20200101_0001.html">2020年工作回顾</a>
<a href="/admin/login.html">后台管理</a>
<a href="http://{EDU_HOST}:{port}/">示范县教育局</a></div>"#,
        port = g.port
    );
    body.push_str(&content_block);
    let home = g.layout(site, "示范县人民政府", "", &body, FooterFlaws::default());
    g.portal.page(site.host.as_str(), "/", home.clone());
    g.portal.page(site.host.as_str(), "/index.html", home);
    g.portal.add(
        site.host.as_str(),
        "/robots.txt",
        Route::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /admin/\nSitemap: /sitemap.xml\n",
        ),
    );
    let base = g.base(site.host.as_str());
    let sitemap = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>{base}/</loc></url><url><loc>{base}/zwgk/sitemap-only.html</loc></url></urlset>"
    );
    g.portal.add(
        site.host.as_str(),
        "/sitemap.xml",
        Route::new(200, "application/xml", sitemap),
    );
}

/// 统计信息 is served in GBK, as older CMS columns still are; one article
/// declares nothing and must be detected.
fn build_gbk_column(g: &mut Gen, site: &SiteInfo, items: &[Item]) {
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let mut list = String::new();
    for it in items {
        let _ = write!(
            list,
            r#"<li><a href="{}">{}</a><span>{}</span></li>"#,
            it.path,
            esc(&it.title),
            ymd(it.date)
        );
    }
    // The GBK column's old template: legacy 找错 host, 公安 link to another record.
    let footer = g.footer(
        site,
        FooterFlaws {
            legacy_jiucuo: true,
            police_mismatch: true,
            ..FooterFlaws::default()
        },
    );
    let page = |title: &str, charset_meta: &str, meta: &str, body: &str| {
        format!(
            "<html><head>{charset_meta}<title>{title}</title><meta name=\"SiteIDCode\" content=\"{code}\">{meta}</head><body><ul class=\"nav\"><li><a href=\"/\">首页</a></li></ul>{body}{footer}</body></html>",
            code = site.site_code.as_str(),
        )
    };
    let meta_gbk = r#"<meta http-equiv="Content-Type" content="text/html; charset=gbk">"#;
    let list_html = page(
        "统计信息_示范县人民政府",
        meta_gbk,
        r#"<meta name="ColumnName" content="统计信息">"#,
        &format!("<h2>统计信息</h2><ul class=\"list\">{list}<li><a href=\"/zwgk/tjxx/统计公报.html\">2025年示范县国民经济和社会发展统计公报</a><span>{}</span></li></ul>", ymd(g.now - Duration::days(200))),
    );
    for path in ["/zwgk/tjxx/", "/zwgk/tjxx/index.html"] {
        g.portal.add(
            site.host.as_str(),
            path,
            Route::new(200, "text/html; charset=GBK", gbk(&list_html)),
        );
    }
    for (i, it) in items.iter().enumerate() {
        let meta = format!(
            r#"<meta name="ColumnName" content="统计信息"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 10:00">"#,
            esc(&it.title),
            ymd(it.date)
        );
        let body = format!("<h1>{}</h1><p>发布日期：{}</p><p>全县地区生产总值同比增长5.8%，规模以上工业增加值增长7.1%。</p>", esc(&it.title), ymd(it.date));
        let (ct, charset_meta) = if i == 0 {
            ("text/html", "")
        } else {
            ("text/html; charset=gbk", meta_gbk)
        };
        let html = page(&it.title, charset_meta, &meta, &body);
        g.portal.add(
            site.host.as_str(),
            &it.path,
            Route::new(200, ct, gbk(&html)),
        );
    }
    let report = page(
        "2025年示范县国民经济和社会发展统计公报",
        meta_gbk,
        "",
        "<h1>2025年示范县国民经济和社会发展统计公报</h1><p>全年全县实现地区生产总值312.5亿元。</p>",
    );
    g.portal.add(
        site.host.as_str(),
        "/zwgk/tjxx/统计公报.html",
        Route::new(200, "text/html; charset=gbk", gbk(&report)),
    );
}
