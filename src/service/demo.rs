//! A believable, deterministic demo database: customers in every status and several
//! currencies, contacts with one primary each, number blocks, and hourly summaries rolled
//! up from simulated calls.

use super::{Result, Service, commit};
use crate::domain::audit::snapshot;
use crate::domain::rating::{billed_seconds, price_micros};
use crate::domain::sip_user::{Codec, NatPing, Protocol};
use crate::domain::summary::Period;
use crate::domain::{
    Actor, Category, Change, ContactSpec, Currency, Customer, InvoiceSchedule, NumberBlock,
    SipUserSpec, Status, Topic, Traffic, Verb,
};
use crate::store::{self, HourlyWriter, NewAudit};
use chrono::{DateTime, Datelike, Timelike, Utc};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoSpec {
    pub customers: usize,
    pub days: u32,
    pub seed: u64,
    /// The moment the data is generated up to (unix seconds).
    pub now: i64,
}

impl DemoSpec {
    /// The demo `--demo` opens: about 200 customers and 90 days of traffic up to now.
    pub fn standard(now: i64) -> DemoSpec {
        DemoSpec {
            customers: 200,
            days: 90,
            seed: 7,
            now,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoReport {
    pub customers: usize,
    pub contacts: usize,
    pub hourly_rows: usize,
    pub calls: u64,
}

const PREFIXES: &[&str] = &[
    "Nordlink",
    "Bluewave",
    "Atlas",
    "Meridian",
    "Crescent",
    "Pioneer",
    "Summit",
    "Harbor",
    "Vertex",
    "Orion",
    "Falcon",
    "Granite",
    "Lighthouse",
    "Keystone",
    "Silverline",
    "Redwood",
    "Aurora",
    "Cobalt",
    "Everest",
    "Northstar",
    "Sapphire",
    "Beacon",
    "Cascade",
    "Trident",
    "Zenith",
    "Horizon",
    "Ironbridge",
    "Maple",
    "Oakridge",
    "Polaris",
    "Quantum",
    "Riverside",
    "Skyline",
    "Tundra",
    "Unity",
    "Valiant",
    "Westgate",
    "Yellowstone",
    "Alpine",
    "Baltic",
];
const SUFFIXES: &[&str] = &[
    "Telecom",
    "Voice",
    "Communications",
    "Networks",
    "Carrier Services",
    "VoIP",
    "Telco",
    "Connect",
    "Wholesale",
    "Calling",
    "Global",
    "Interconnect",
    "Tel",
    "Unified Comms",
    "Call Centre",
    "Contact Solutions",
    "Mobile",
    "Cloud PBX",
    "Transit",
    "Digital",
];
const LEGAL: &[&str] = &[
    "Ltd", "GmbH", "Inc", "B.V.", "S.A.", "AG", "LLC", "Pty Ltd", "AB", "K.K.",
];
const FIRST: &[&str] = &[
    "Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kofi",
    "Lena", "Marco", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma",
    "Victor", "Wen", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Berg", "Novak", "Okafor", "Silva", "Tanaka", "Muller", "Dubois", "Rossi", "Kowalski",
    "Jensen", "Haddad", "Costa", "Fischer", "Larsen", "Moreau", "Nakamura", "Patel", "Quinn",
    "Schmidt", "Varga",
];
const CONTACT_TYPES: &[&str] = &["Billing", "Technical", "NOC", "Sales", "Management"];
const TAGS: &[&str] = &[
    "wholesale",
    "retail",
    "callcentre",
    "premium",
    "cli",
    "ncli",
    "sip",
    "trial",
];

/// Currency, tax in basis points, country calling code, and how many units of the currency
/// a US dollar buys (to scale prices).
const MARKETS: &[(&str, u32, &str, i64)] = &[
    ("USD", 0, "1", 1),
    ("USD", 0, "1", 1),
    ("EUR", 1900, "49", 1),
    ("EUR", 2000, "33", 1),
    ("EUR", 2100, "31", 1),
    ("GBP", 2000, "44", 1),
    ("GBP", 2000, "44", 1),
    ("CHF", 810, "41", 1),
    ("CAD", 500, "1", 1),
    ("AUD", 1000, "61", 2),
    ("SEK", 2500, "46", 10),
    ("JPY", 1000, "81", 150),
];

/// Creates the demo database at `path` on first use, or opens it as it is.
pub fn open_or_create(path: &std::path::Path, now: i64) -> anyhow::Result<Service> {
    let mut service = Service::open(path)?;
    if service.store().customer_count()? == 0 {
        generate(&mut service, DemoSpec::standard(now), &mut |_, _| {})?;
    }
    Ok(service)
}

/// Fills an empty database. `progress(done, total)` is called as customers are written.
pub fn generate(
    service: &mut Service,
    spec: DemoSpec,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport> {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let mut report = DemoReport::default();
    let now_hour = Period::Hourly.start_of(spec.now);
    let first_hour = now_hour - i64::from(spec.days) * 86_400;
    let demo = Actor {
        name: "demo".into(),
        ip: "local".into(),
        role: "admin".into(),
    };
    let staff = Actor {
        name: "alice".into(),
        ip: "198.51.100.23".into(),
        role: "operator".into(),
    };
    let mut used_emails = std::collections::HashSet::new();
    let mut next_block = 1000;

    let tx = service.store.write()?;
    for (key, value) in [
        ("number_range_start", "1000"),
        ("block_size", "1000"),
        ("sip_realm", "sip.demo.example"),
    ] {
        store::write_setting(&tx, key, Some(value), &store::now_text(), "demo")?;
    }
    let mut hourly = HourlyWriter::new(&tx)?;
    for i in 0..spec.customers {
        let id = i as i64 + 1;
        let profile = Profile::draw(&mut rng, i, spec, now_hour, first_hour);
        let mut customer = profile.customer(&mut rng, id, i);

        // Traffic: simulate every call of every hour, and roll the calls up per hour.
        let mut hours = Vec::new();
        if let Some((from, to)) = profile.traffic_window {
            let mut hour = from;
            while hour < to {
                let t = profile.simulate_hour(&mut rng, hour);
                if t.attempts > 0 {
                    hours.push((hour, t));
                }
                hour += 3600;
            }
        }
        let last_call = hours
            .last()
            .map(|(hour, _)| hour + rng.i64(0..3600).min(spec.now - hour).max(0));
        customer.last_call_at = last_call
            .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
            .map(store::time_text);
        if customer.status == Status::Active && last_call.is_some_and(|t| t > now_hour - 3600) {
            customer.channels_in_use = rng.u32(0..=customer.channels * 6 / 10);
        }
        store::insert_customer(&tx, &customer)?;
        for (hour, t) in &hours {
            hourly.add(id, *hour, t)?;
            report.calls += t.attempts as u64;
        }
        report.hourly_rows += hours.len();
        // Some customers had their channels raised after they were created: the history
        // adds up to the row as it is now.
        let raised = i % 10 == 3 && customer.channels >= 10;
        let mut created = serde_json::to_value(&customer).unwrap_or_default();
        if raised {
            created["channels"] = (customer.channels - 10).into();
        }
        NewAudit {
            actor: &demo,
            verb: Verb::Post,
            table: "customers",
            row_id: id,
            customer_id: Some(id),
            message: "Create customer",
            data: &snapshot(created),
        }
        .insert(&tx, &customer.created_at)?;
        if raised {
            NewAudit {
                actor: &staff,
                verb: Verb::Put,
                table: "customers",
                row_id: id,
                customer_id: Some(id),
                message: "Update customer",
                data: &serde_json::json!({
                    "channels": {"old": customer.channels - 10, "new": customer.channels}
                }),
            }
            .insert(&tx, &customer.created_at)?;
        }

        let contacts = profile.contacts(&mut rng, &customer.name, &mut used_emails);
        for (n, contact) in contacts.iter().enumerate() {
            let contact_id = store::insert_contact(&tx, id, contact, n == 0, &customer.created_at)?;
            report.contacts += 1;
            let mut row = serde_json::to_value(contact).unwrap_or_default();
            row["primary"] = (n == 0).into();
            NewAudit {
                actor: &demo,
                verb: Verb::Post,
                table: "contacts",
                row_id: contact_id,
                customer_id: Some(id),
                message: "Create contact",
                data: &snapshot(row),
            }
            .insert(&tx, &customer.created_at)?;
        }
        if customer.status == Status::Active && i % 7 == 0 {
            let block = NumberBlock {
                id: 0,
                customer_id: id,
                first: next_block,
                last: next_block + 999,
            };
            store::insert_number_block(&tx, &block, &customer.created_at)?;
            // Extensions from the block, their channels within the customer's.
            let users = u32::min(customer.channels, 1 + (i as u32 % 3));
            for n in 0..users {
                let spec = SipUserSpec {
                    username: (block.first + 1 + i64::from(n)).to_string(),
                    channels: 1,
                    cps: 0,
                    protocol: Protocol::Udp,
                    whitelist: Vec::new(),
                    nat_ping: NatPing::Disabled,
                    codecs: vec![Codec::Alaw, Codec::Ulaw],
                };
                store::insert_sip_user(&tx, id, &spec, &customer.created_at)?;
            }
            next_block += 1000;
        }
        report.customers += 1;
        if i % 1000 == 999 || i + 1 == spec.customers {
            progress(i + 1, spec.customers);
        }
    }
    hourly.finish()?;
    commit(tx, Topic::ALL.map(Change::many))?;
    Ok(report)
}

/// The hidden traits of one demo customer, from which its record and traffic follow.
struct Profile {
    status: Status,
    market: (&'static str, u32, &'static str, i64),
    created: i64,
    /// Hours [from, to) in which the customer sent calls.
    traffic_window: Option<(i64, i64)>,
    peak_attempts: f64,
    asr: f64,
    acd_s: f64,
    rate_micros: i64,
    cost_ratio: f64,
    bill_first_s: u32,
    bill_next_s: u32,
    currency: Currency,
}

impl Profile {
    fn draw(
        rng: &mut fastrand::Rng,
        i: usize,
        spec: DemoSpec,
        now_hour: i64,
        first_hour: i64,
    ) -> Profile {
        let status = match rng.u32(0..100) {
            0..70 => Status::Active,
            70..82 => Status::Inactive,
            82..91 => Status::Pending,
            _ => Status::Penalty,
        };
        let market = MARKETS[rng.usize(0..MARKETS.len())];
        let currency = Currency::parse(market.0).expect("demo currencies are ISO 4217");
        let age_days = rng.i64(30..1500);
        let created = now_hour - age_days * 86_400 - rng.i64(0..86_400);
        // Traffic is simulated hour by hour from here: from the first whole hour after the
        // customer was created (its creation falls anywhere in an hour), or from the first
        // hour of the demo.
        let start = (created + (3600 - created.rem_euclid(3600)) % 3600).max(first_hour);
        let traffic_window = match status {
            Status::Active => Some((start, now_hour + 3600)),
            Status::Inactive if !i.is_multiple_of(3) => {
                Some((start, now_hour - rng.i64(5..60) * 86_400))
            }
            Status::Penalty => Some((start, now_hour - rng.i64(1..5) * 86_400)),
            _ => None,
        }
        .filter(|(from, to)| from < to && spec.days > 0);
        let sizes = [1.0, 3.0, 6.0, 12.0, 25.0, 60.0];
        let (bill_first_s, bill_next_s) =
            [(60, 60), (60, 60), (30, 6), (6, 6), (1, 1)][rng.usize(0..5)];
        Profile {
            status,
            market,
            created,
            traffic_window,
            peak_attempts: sizes[rng.usize(0..sizes.len())] * (0.7 + rng.f64() * 0.6),
            asr: 0.30 + rng.f64() * 0.40,
            acd_s: 45.0 + rng.f64() * 200.0,
            rate_micros: (5_000 + rng.i64(0..40_000)) * market.3,
            cost_ratio: if rng.u32(0..20) == 0 {
                1.03
            } else {
                0.60 + rng.f64() * 0.32
            },
            bill_first_s,
            bill_next_s,
            currency,
        }
    }

    fn customer(&self, rng: &mut fastrand::Rng, id: i64, i: usize) -> Customer {
        let name = company_name(i);
        let scale = self.currency.digits();
        let major = |units: i64| units * 10i64.pow(u32::from(scale)) * self.market.3;
        let postpaid = rng.bool();
        let debit_limit = if postpaid {
            major(rng.i64(1..20) * 500)
        } else if rng.u32(0..5) == 0 {
            -major(rng.i64(1..5) * 10) // prepaid with a buffer that must stay in credit
        } else {
            0
        };
        let balance = match self.status {
            Status::Penalty => -debit_limit - major(rng.i64(1..200)),
            _ if postpaid => major(rng.i64(-400..3000)),
            _ => major(rng.i64(20..5000)) + rng.i64(0..100),
        };
        let channels = [10, 20, 30, 50, 60, 100, 120, 200, 300, 500][rng.usize(0..10)];
        let created_at = DateTime::<Utc>::from_timestamp(self.created, 0)
            .map(store::time_text)
            .unwrap_or_default();
        let slug = slug(&name);
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..rng.usize(0..3) {
            let t = TAGS[rng.usize(0..TAGS.len())].to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        Customer {
            id,
            status: self.status,
            balance,
            debit_limit,
            minimum_payment: major([0, 10, 25, 50, 100][rng.usize(0..5)]),
            tax_bp: self.market.1,
            currency: self.currency,
            channels,
            channels_in_use: 0,
            cps: [0, 5, 10, 20, 30, 50][rng.usize(0..6)],
            portal_access: rng.u32(0..10) > 1,
            paypal_email: if rng.bool() {
                format!("billing@{slug}.example")
            } else {
                String::new()
            },
            website: format!("https://www.{slug}.example"),
            address: format!(
                "{} {} Street, {}",
                rng.u32(1..300),
                LAST[rng.usize(0..LAST.len())],
                self.market.2
            ),
            tags,
            vars: if rng.u32(0..4) == 0 {
                format!(
                    "max_call_minutes = {}\nprefix = \"{}\"\n",
                    rng.u32(30..240),
                    rng.u32(100..999)
                )
            } else {
                String::new()
            },
            email_verification: rng.u32(0..5) == 0,
            mobile_verification: rng.u32(0..8) == 0,
            approved_clis_only: rng.u32(0..6) == 0,
            invoice_schedule: [
                InvoiceSchedule::Monthly,
                InvoiceSchedule::Monthly,
                InvoiceSchedule::Weekly,
                InvoiceSchedule::None,
            ][rng.usize(0..4)],
            invoice_due_days: [7, 14, 30][rng.usize(0..3)],
            account_code: format!("AC{id:06}"),
            rate_micros: self.rate_micros,
            bill_first_s: self.bill_first_s,
            bill_next_s: self.bill_next_s,
            tech_prefixes: Vec::new(),
            rate_card: String::new(),
            parent_id: None,
            last_call_at: None,
            version: 1,
            updated_at: created_at.clone(),
            created_at,
            name,
        }
    }

    fn contacts(
        &self,
        rng: &mut fastrand::Rng,
        company: &str,
        used: &mut std::collections::HashSet<String>,
    ) -> Vec<ContactSpec> {
        let domain = format!("{}.example", slug(company));
        (0..rng.usize(1..=5))
            .map(|n| {
                let first = FIRST[rng.usize(0..FIRST.len())];
                let last = LAST[rng.usize(0..LAST.len())];
                let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
                let mut email = format!("{base}@{domain}");
                let mut k = 2;
                while !used.insert(email.to_lowercase()) {
                    email = format!("{base}{k}@{domain}");
                    k += 1;
                }
                let cc = self.market.2;
                let phone = format!("+{cc}{}", rng.u64(2_000_000_000..9_999_999_999));
                let mobile = if rng.bool() {
                    format!("+{cc}{}", rng.u64(7_000_000_000..7_999_999_999))
                } else {
                    String::new()
                };
                let contact_type = CONTACT_TYPES[rng.usize(0..CONTACT_TYPES.len())];
                ContactSpec {
                    name: format!("{first} {last}"),
                    email,
                    phone,
                    mobile,
                    contact_type: contact_type.into(),
                    public_notes: String::new(),
                    private_notes: if rng.u32(0..6) == 0 {
                        "Prefers email; escalate outages to NOC line.".into()
                    } else {
                        String::new()
                    },
                    email_verified: rng.u32(0..4) != 0,
                    mobile_verified: rng.bool(),
                    // Financial messages to the first contact and to billing and management,
                    // general ones to everybody (no draw: the rest of the demo stays as it was).
                    categories: if n == 0 || ["Billing", "Management"].contains(&contact_type) {
                        Category::ALL.to_vec()
                    } else {
                        vec![Category::General]
                    },
                    portal_whitelist: Vec::new(),
                }
            })
            .collect()
    }

    /// The calls of one hour, each drawn on its own, summed.
    fn simulate_hour(&self, rng: &mut fastrand::Rng, hour: i64) -> Traffic {
        let Some(dt) = DateTime::<Utc>::from_timestamp(hour, 0) else {
            return Traffic::default();
        };
        let h = f64::from(dt.hour());
        let daily = 0.12 + 0.88 * (-((h - 14.0) / 4.5).powi(2)).exp();
        let weekend = if dt.weekday().number_from_monday() >= 6 {
            0.55
        } else {
            1.0
        };
        let expected = self.peak_attempts * daily * weekend * (0.6 + rng.f64() * 0.8);
        let attempts = expected.floor() as i64 + i64::from(rng.f64() < expected.fract());
        let mut t = Traffic {
            attempts,
            ..Traffic::default()
        };
        for _ in 0..attempts {
            if rng.f64() >= self.asr {
                continue;
            }
            let d = (-self.acd_s * (1.0 - rng.f64()).ln())
                .clamp(1.0, 7200.0)
                .round() as i64;
            let billed = billed_seconds(d, self.bill_first_s, self.bill_next_s);
            t.connected += 1;
            t.duration_s += d;
            t.billed_s += billed;
            let charge = price_micros(billed, self.rate_micros);
            t.charge += charge;
            t.cost += (charge as f64 * self.cost_ratio).round() as i64;
        }
        t
    }
}

/// The i-th company name; unique for any i.
fn company_name(i: usize) -> String {
    let p = PREFIXES[i % PREFIXES.len()];
    let s = SUFFIXES[(i / PREFIXES.len() + i * 7) % SUFFIXES.len()];
    let l = LEGAL[(i / 3) % LEGAL.len()];
    let round = i / (PREFIXES.len() * SUFFIXES.len());
    if round == 0 {
        format!("{p} {s} {l}")
    } else {
        format!("{p} {s} {l} {}", round + 1)
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hourly_row_starts_on_the_hour_even_before_the_oldest_customer() {
        let dir = tempfile::tempdir().unwrap();
        let mut service = Service::open(&dir.path().join("demo.db")).unwrap();
        // 1,100 days reach further back than some customers exist: their traffic starts when
        // they were created, at any second of an hour.
        let now = 1_795_000_000 + 1_234;
        let spec = DemoSpec {
            customers: 3,
            days: 1100,
            seed: 7,
            now,
        };
        let report = generate(&mut service, spec, &mut |_, _| {}).unwrap();
        assert!(report.hourly_rows > 0);
        let hours: Vec<i64> = (1..=3)
            .flat_map(|id| service.store().hourly(id, i64::MIN, i64::MAX).unwrap())
            .map(|row| row.start)
            .collect();
        assert_eq!(hours.len(), report.hourly_rows);
        let off: Vec<&i64> = hours.iter().filter(|h| *h % 3600 != 0).collect();
        assert!(
            off.is_empty(),
            "{} rows off the hour, e.g. {:?}",
            off.len(),
            off.first()
        );
    }

    #[test]
    fn company_names_are_unique() {
        let names: std::collections::HashSet<String> =
            (0..5000).map(|i| company_name(i).to_lowercase()).collect();
        assert_eq!(names.len(), 5000);
    }
}
