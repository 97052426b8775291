//! The bytes the history store keeps for what a run learned (page
//! analyses, fetch records, outside-link checks): MessagePack with field
//! names, so that a field added later reads back as its default. JSON, the
//! earlier form, cost the store's writer and a re-scan's reading most of
//! their time in number and string formatting.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The stored bytes of `value`.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    encode_sized(value, 256)
}

/// [`encode`], into a buffer of `capacity` bytes to start with: a page's
/// analysis takes several KB, and grown from empty its buffer was copied a
/// dozen times a page (callgrind: 0.3% of a realistic scan).
pub fn encode_sized<T: Serialize + ?Sized>(value: &T, capacity: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(capacity);
    rmp_serde::encode::write_named(&mut out, value).ok()?;
    Some(out)
}

/// Reads back what [`encode`] stored; `None` for other bytes (damaged, or
/// an older format), which the caller treats as never stored.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    rmp_serde::from_slice(bytes).ok()
}
