//! The audit diff of two records of one struct type, read field by field as serde writes
//! them, without building either record as a JSON value.
//!
//! A bulk edit writes one audit row per customer. Building both versions of each as a
//! `serde_json::Value` (a map of some thirty fields, each key and text allocated) was a
//! fifth of its commit; here each field is written as JSON text into one reused buffer
//! and the two texts compared, and only the fields that differ become values.

use super::audit::{SECRET_FIELDS, diff, record_json};
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct};
use serde_json::{Error, Map, Value, json};
use std::ops::Range;

/// The fields that differ between `old` and `new`, as `{"field": {"old": a, "new": b}}`:
/// what `audit::diff` gives for their `audit::record_json`, which leaves out `skipped` and
/// secret fields. A type that serde does not write as a plain struct (`#[serde(flatten)]`
/// makes it a map, as for contacts and SIP users), or a field that fails to serialize,
/// takes that slower way instead.
pub fn audit_diff<T: Serialize>(old: &T, new: &T, skipped: &[&str]) -> Value {
    match (Fields::of(old), Fields::of(new)) {
        (Ok(old), Ok(new)) => by_fields(&old, &new, skipped),
        _ => by_values(old, new, skipped),
    }
}

fn by_fields(old: &Fields, new: &Fields, skipped: &[&str]) -> Value {
    let mut out = Map::new();
    for (i, &(key, ref text)) in new.fields.iter().enumerate() {
        if skipped.contains(&key) || SECRET_FIELDS.contains(&key) {
            continue;
        }
        // Same type, same field order; a field skipped when empty can shift them.
        let old_text = match old.fields.get(i) {
            Some((k, range)) if *k == key => Some(range),
            _ => old.fields.iter().find(|(k, _)| *k == key).map(|(_, r)| r),
        };
        let old_json = old_text.map_or(&b"null"[..], |r| &old.buf[r.clone()]);
        let new_json = &new.buf[text.clone()];
        if old_json != new_json {
            let value = |json: &[u8]| serde_json::from_slice::<Value>(json).unwrap_or_default();
            out.insert(
                key.to_string(),
                json!({"old": value(old_json), "new": value(new_json)}),
            );
        }
    }
    Value::Object(out)
}

/// Both records as JSON values (`audit::record_json`), then `audit::diff`.
fn by_values<T: Serialize>(old: &T, new: &T, skipped: &[&str]) -> Value {
    diff(&record_json(old, skipped), &record_json(new, skipped))
}

/// A record's fields as serde wrote them: each name with the range of its JSON text.
struct Fields {
    buf: Vec<u8>,
    fields: Vec<(&'static str, Range<usize>)>,
}

impl Fields {
    /// Fails for a value serde does not write as a struct, or a field it cannot write.
    fn of<T: Serialize>(record: &T) -> Result<Fields, Error> {
        // Room for a customer's fields without growing (about 600 bytes, 35 fields).
        let mut fields = Fields {
            buf: Vec::with_capacity(1024),
            fields: Vec::with_capacity(48),
        };
        record.serialize(FieldWriter(&mut fields))?;
        Ok(fields)
    }
}

/// A serializer that takes a struct only, writing each field's JSON into `Fields`.
struct FieldWriter<'f>(&'f mut Fields);

impl SerializeStruct for FieldWriter<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), Error> {
        let start = self.0.buf.len();
        serde_json::to_writer(&mut self.0.buf, value)?;
        self.0.fields.push((key, start..self.0.buf.len()));
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

fn not_a_struct() -> Error {
    ser::Error::custom("field_diff reads structs only")
}

/// The serializer's methods for anything but a struct: each refuses.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<(), Error> {
            Err(not_a_struct())
        })*
    };
}

impl ser::Serializer for FieldWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<(), Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<(), Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), Error> {
        Err(not_a_struct())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_struct())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_struct())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_struct())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::{Customer, InvoiceSchedule, Status};
    use crate::domain::money::Currency;

    /// A field skipped when empty sits in the middle, so that positions shift.
    #[derive(Serialize, Clone)]
    struct Record {
        name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        note: String,
        channels: u32,
        tags: Vec<String>,
        parent: Option<i64>,
        password_hash: String,
        version: i64,
    }

    fn record() -> Record {
        Record {
            name: "Nordlink".into(),
            note: String::new(),
            channels: 30,
            tags: vec!["vip".into()],
            parent: None,
            password_hash: "x".into(),
            version: 1,
        }
    }

    #[test]
    fn the_fields_that_differ_as_the_json_diff_gives_them() {
        let old = record();
        let mut new = record();
        new.channels = 40;
        new.tags.push("promo".into());
        new.parent = Some(7);
        new.password_hash = "y".into();
        new.version = 2;
        new.note = "late payer".into();
        let got = audit_diff(&old, &new, &["version"]);
        assert_eq!(
            got,
            json!({
                "channels": {"old": 30, "new": 40},
                "tags": {"old": ["vip"], "new": ["vip", "promo"]},
                "parent": {"old": null, "new": 7},
                "note": {"old": null, "new": "late payer"},
            })
        );
        assert_eq!(got, by_values(&old, &new, &["version"]));
        // A field present before and left out now is not reported, as with the values.
        assert_eq!(
            audit_diff(&new, &old, &["version"]),
            by_values(&new, &old, &["version"])
        );
    }

    #[test]
    fn records_alike_but_for_skipped_and_secret_fields_have_no_diff() {
        let mut new = record();
        new.version = 9;
        new.password_hash = "changed".into();
        assert_eq!(audit_diff(&record(), &new, &["version"]), json!({}));
    }

    #[test]
    fn a_customer_with_every_field_changed_gives_what_its_json_values_give() {
        let old = Customer::new(Currency::parse("EUR").unwrap());
        let new = Customer {
            id: 7,
            name: "Nordlink \"NOC\" Ltd".into(),
            status: Status::Penalty,
            balance: -1,
            debit_limit: 5,
            minimum_payment: 6,
            tax_bp: 2000,
            currency: Currency::parse("BHD").unwrap(),
            channels: 40,
            channels_in_use: 3,
            cps: 9,
            portal_access: false,
            paypal_email: "pay@nordlink.example".into(),
            website: "https://nordlink.example".into(),
            address: "1 Quay\nBristol".into(),
            tags: vec!["vip".into(), "ünï".into()],
            vars: "a = 1".into(),
            email_verification: true,
            mobile_verification: true,
            approved_clis_only: true,
            invoice_schedule: InvoiceSchedule::Monthly,
            invoice_due_days: 14,
            account_code: "AC1".into(),
            rate_micros: 12_000,
            bill_first_s: 6,
            bill_next_s: 6,
            tech_prefixes: vec!["9#".into()],
            rate_card: "Retail".into(),
            parent_id: Some(3),
            last_call_at: Some("2026-12-04T00:00:00Z".into()),
            version: 2,
            created_at: "then".into(),
            updated_at: "now".into(),
        };
        let skipped = ["version", "updated_at", "created_at"];
        let got = audit_diff(&old, &new, &skipped);
        assert_eq!(got, by_values(&old, &new, &skipped));
        // Every field but the three skipped ones.
        let fields = serde_json::to_value(&new)
            .unwrap()
            .as_object()
            .unwrap()
            .len();
        assert_eq!(got.as_object().unwrap().len(), fields - skipped.len());
    }

    #[test]
    fn a_record_serde_writes_as_a_map_takes_the_json_values_way() {
        #[derive(Serialize)]
        struct Inner {
            channels: u32,
        }
        #[derive(Serialize)]
        struct Outer {
            name: String,
            #[serde(flatten)]
            inner: Inner,
        }
        let old = Outer {
            name: "a".into(),
            inner: Inner { channels: 1 },
        };
        let new = Outer {
            name: "a".into(),
            inner: Inner { channels: 2 },
        };
        assert_eq!(
            audit_diff(&old, &new, &[]),
            json!({"channels": {"old": 1, "new": 2}})
        );
    }
}
