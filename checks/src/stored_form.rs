//! The bytes the history store keeps for what a run learned (page
//! analyses, fetch records, outside-link checks): MessagePack with field
//! names, so that a field added later reads back as its default. JSON, the
//! earlier form, cost the store's writer and a re-scan's reading most of
//! their time in number and string formatting.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The stored bytes of `value`.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    rmp_serde::encode::to_vec_named(value).ok()
}

/// Reads back what [`encode`] stored; `None` for other bytes (damaged, or
/// an older format), which the caller treats as never stored.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    rmp_serde::from_slice(bytes).ok()
}
