//! Requests for a list's data that a platform's scripts make (Hanweb's
//! dataproxy POSTs, gkmlpt's JSON API): the page's analysis says which it
//! needs, the crawler makes them under the same politeness, and
//! [`fold_answer`] reads each answer into the page, saying what more to ask.

use crate::page::PageAnalysis;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

/// Which platform reader reads a request's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataReader {
    /// Hanweb/jpaas `dataproxy.jsp`: `<datastore>` records of the page's list.
    #[default]
    HanwebDataproxy,
    /// 广东 gkmlpt `/gkmlpt/api/all/{column}?page=&sid=`: JSON articles of
    /// one column of the catalogue.
    GkmlptApi,
}

/// A request for a list's data, identified by method, URL and body
/// (dataproxy POSTs share one URL and differ by their body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DataRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The form body of a POST.
    #[serde(default)]
    pub body: String,
    /// The reader of its answer.
    #[serde(default)]
    pub reader: DataReader,
    /// The platform column it belongs to (a gkmlpt column id); none for
    /// the page's own list. A failed request ends its column's requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl DataRequest {
    /// The key the request is known by: method, URL and body.
    pub fn key(&self) -> String {
        format!("{} {}\n{}", self.method, self.url, self.body)
    }

    /// Headers a browser's script sends with it.
    pub fn headers(&self, page: &Url) -> Vec<(String, String)> {
        let mut headers = vec![
            ("x-requested-with".to_string(), "XMLHttpRequest".to_string()),
            ("referer".to_string(), page.to_string()),
        ];
        match self.reader {
            DataReader::HanwebDataproxy => headers.push((
                "content-type".to_string(),
                "application/x-www-form-urlencoded; charset=UTF-8".to_string(),
            )),
            DataReader::GkmlptApi => headers.push((
                "accept".to_string(),
                "application/json, text/javascript, */*; q=0.01".to_string(),
            )),
        }
        headers
    }
}

/// What reading one answer gave.
#[derive(Debug, Default)]
pub struct Folded {
    /// Items read from it.
    pub items: usize,
    /// Further requests it calls for (a list's later pages).
    pub more: Vec<DataRequest>,
}

/// Reads a 2xx answer to `request` into the page's analysis, asking for at
/// most `more_cap` further requests (an answer may state any total). `None`
/// when the answer was not what the platform sends (an error page, a
/// challenge): the request's column is then left unread (未能核实), never
/// judged empty.
pub fn fold_answer(
    analysis: &mut PageAnalysis,
    request: &DataRequest,
    answer: &str,
    page: &Url,
    today: NaiveDate,
    more_cap: usize,
) -> Option<Folded> {
    match request.reader {
        DataReader::HanwebDataproxy => {
            let items = crate::hanweb::add_records(analysis, answer, page, today);
            (items > 0).then(|| Folded {
                items,
                more: Vec::new(),
            })
        }
        DataReader::GkmlptApi => {
            crate::gkmlpt::add_articles(analysis, request, answer, today, more_cap)
        }
    }
}
