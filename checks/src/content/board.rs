//! 互动交流 boards: messages read from a board's list (a table with a
//! 留言时间 header, items labelled 留言时间：…, or items with a status word
//! on a page named as a board) or from a message's own page.

use super::tables::TablesOnce;
use super::{clip, has_word, labelled_date, ContentFacts, ContentInput, Message, MessageState};
use crate::dates::{item_date, parse_date};
use crate::page::PageKind;
use crate::profile::Profile;
use chrono::NaiveDate;

const TITLE_CHARS: usize = 60;

pub(super) fn read(
    input: &ContentInput<'_>,
    tables: &TablesOnce<'_>,
    labelled: bool,
    profile: &Profile,
    facts: &mut ContentFacts,
) {
    let r = &profile.interaction;
    let text = input.main_text;
    let board_page = [input.headline, input.title, input.column.unwrap_or("")]
        .iter()
        .any(|t| has_word(t, &r.board_words));
    if !labelled && !board_page {
        return;
    }
    let mut messages = Vec::new();
    if labelled {
        from_tables(tables, profile, &mut messages);
    }
    if messages.is_empty() && labelled {
        for item in input.items {
            let Some(asked) = labelled_date(&item.text, &r.asked_labels) else {
                continue;
            };
            let answered = labelled_date(&item.text, &r.answered_labels);
            let answer_shown = has_word(&item.text, &r.answered_labels);
            messages.push(Message {
                title: item_title(&item.text, profile),
                url: item.link.clone(),
                asked: Some(asked),
                answered,
                state: state_of(answered, &item.text, answer_shown, profile),
            });
        }
    }
    if messages.is_empty() && board_page && input.kind != PageKind::Home {
        let status_words = || {
            r.answered_words
                .iter()
                .chain(&r.unanswered_words)
                .chain(&r.invalid_words)
        };
        for item in input.items {
            if !status_words().any(|w| item.text.contains(w.as_str())) {
                continue;
            }
            let Some(asked) = item_date(&item.text, || None, input.today) else {
                continue;
            };
            messages.push(Message {
                title: item_title(&item.text, profile),
                url: item.link.clone(),
                asked: Some(asked),
                answered: None,
                state: state_of(None, &item.text, false, profile),
            });
        }
    }
    if messages.len() >= 2 {
        facts.board_list = true;
    } else if labelled && input.kind != PageKind::Home {
        // A message's own page: 留言时间：… 回复时间：… 办理状态：…
        messages.clear();
        let asked = labelled_date(text, &r.asked_labels);
        let answered = labelled_date(text, &r.answered_labels);
        let status = status_segment(text, &r.status_labels);
        let state = match status {
            Some(s) if !s.is_empty() => state_of(answered, &s, false, profile),
            _ if answered.is_some() => MessageState::Answered,
            _ if has_word(text, &r.invalid_words) && status.is_some() => MessageState::Invalid,
            _ if has_word(text, &r.unanswered_words) => MessageState::Unanswered,
            _ if replied(text, &r.reply_labels) => MessageState::Answered,
            _ => MessageState::Unknown,
        };
        if asked.is_some() {
            messages.push(Message {
                title: clip(input.headline, TITLE_CHARS),
                url: Some(input.url.to_string()),
                asked,
                answered,
                state,
            });
        }
    }
    messages.truncate(r.max_messages_per_page);
    facts.messages = messages;
}

fn from_tables(tables: &TablesOnce<'_>, profile: &Profile, out: &mut Vec<Message>) {
    let r = &profile.interaction;
    for table in tables.get() {
        let wanted: [&[String]; 4] = [
            &r.asked_labels,
            &r.answered_labels,
            &r.status_labels,
            &r.title_labels,
        ];
        let Some((header, cols)) = table.header(&wanted) else {
            continue;
        };
        let Some(asked_col) = cols[0] else {
            continue;
        };
        if cols[1].is_none() && cols[2].is_none() {
            continue;
        }
        for row in &table.rows[header + 1..] {
            let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(String::as_str);
            let Some(asked) = cell(Some(asked_col)).and_then(parse_date) else {
                continue;
            };
            let answered = cell(cols[1]).and_then(parse_date);
            let status = cell(cols[2]).unwrap_or("");
            let title = cell(cols[3])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .or_else(|| row.link.as_ref().map(|(_, t)| t.clone()))
                .unwrap_or_else(|| row.cells.first().cloned().unwrap_or_default());
            out.push(Message {
                title: clip(&title, TITLE_CHARS),
                url: row.link.as_ref().map(|(u, _)| u.clone()),
                asked: Some(asked),
                answered,
                state: state_of(answered, status, cols[1].is_some(), profile),
            });
        }
    }
}

/// A message's state from its answer date and status text. `answer_shown`:
/// the board has a place for the answer date, so an empty one means none.
fn state_of(
    answered: Option<NaiveDate>,
    status: &str,
    answer_shown: bool,
    profile: &Profile,
) -> MessageState {
    let r = &profile.interaction;
    if has_word(status, &r.invalid_words) {
        MessageState::Invalid
    } else if answered.is_some() {
        MessageState::Answered
    } else if has_word(status, &r.unanswered_words) {
        MessageState::Unanswered
    } else if has_word(status, &r.answered_words) {
        MessageState::Answered
    } else if answer_shown {
        MessageState::Unanswered
    } else {
        MessageState::Unknown
    }
}

/// The few characters after a status label (办理状态：已办结).
fn status_segment(text: &str, labels: &[String]) -> Option<String> {
    labels.iter().find_map(|label| {
        let at = text.find(label.as_str())?;
        let after = text[at + label.len()..].trim_start_matches([' ', ':', '：', '\t']);
        Some(after.chars().take(8).collect())
    })
}

/// Whether a reply label is followed by text (回复内容：…).
fn replied(text: &str, labels: &[String]) -> bool {
    labels.iter().any(|label| {
        text.match_indices(label.as_str()).any(|(at, _)| {
            let after = text[at + label.len()..].trim_start_matches([' ', ':', '：', '\t', '\n']);
            let head: String = after.chars().take(10).collect();
            head.chars().filter(|c| !c.is_whitespace()).count() >= 4
                && !head.contains("暂无")
                && !head.contains("未回复")
        })
    })
}

/// A list item's title: its text before the first label or date.
fn item_title(text: &str, profile: &Profile) -> String {
    let r = &profile.interaction;
    let mut end = text.len();
    for label in r
        .asked_labels
        .iter()
        .chain(&r.answered_labels)
        .chain(&r.status_labels)
        .chain(&r.answered_words)
        .chain(&r.unanswered_words)
    {
        if let Some(at) = text.find(label.as_str()) {
            end = end.min(at);
        }
    }
    let title = text[..end].trim_end_matches([' ', '[', '【', '(', '（']);
    let title = if title.trim().is_empty() { text } else { title };
    clip(title, TITLE_CHARS)
}
