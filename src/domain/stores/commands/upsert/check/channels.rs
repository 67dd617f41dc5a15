use super::*;

pub(super) fn channel(o: &mut Obj<'_, '_>) {
    o.text("id", true, 1, 100);
    o.uuid("uid", true);
    o.text("name", true, 1, 100);
    o.object("fulfillment", true, |fs| {
        if fs.map.len() > MAX_FULFILLMENTS {
            fs.errs.add(
                &fs.path,
                code::LIMIT_EXCEEDED,
                format!("Fulfillment must have at most {MAX_FULFILLMENTS} entries"),
            );
            return;
        }
        for (kind, f) in fs.map {
            let p = fs.path.key(kind.clone());
            if !is_code(kind, false) {
                fs.errs.add(
                    &p,
                    code::INVALID,
                    "Fulfillment type must be 1–32 characters: A-Z and _",
                );
            }
            walk_object(f, &p, fs.errs, "Fulfillment", |o| fulfillment(o, kind));
        }
    });
}

fn fulfillment(o: &mut Obj<'_, '_>, key: &str) {
    o.uuid("uid", true);
    o.text("id", true, 1, 100);
    if let Some(t) = o.string("type", true) {
        if t != key {
            o.errs.add(
                &o.path.key("type"),
                code::INVALID,
                format!("Type must match its fulfillment key {key}"),
            );
        }
    }
    o.text("name", true, 1, 100);
    o.object("pricing", true, |p| {
        p.boolean("is_tax_inclusive", false);
        p.number("minimum_order_value", false, dec(0), dec(MAX_MONEY));
        p.number("maximum_order_value", false, dec(0), dec(1_000_000));
        p.number("tax_rate", false, dec(0), dec(1));
        if let Some(fees) = p.array("fees", false, MAX_FEES) {
            for (i, fee) in fees.iter().enumerate() {
                let path = p.path.key("fees").index(i);
                walk_object(fee, &path, p.errs, "Fee", |f| {
                    f.text("id", true, 1, 100);
                    f.one_of("type", true, &["FIXED", "PERCENTAGE"]);
                    f.boolean("tax_inclusive", true);
                    f.localized("name", true);
                    f.number("amount", true, dec(0), dec(MAX_MONEY));
                    f.number("percentage", true, dec(0), dec(1));
                });
            }
        }
    });
    if let Some(zones) = o.array("coverage_zones", true, MAX_ZONES) {
        for (i, z) in zones.iter().enumerate() {
            let path = o.path.key("coverage_zones").index(i);
            walk_object(z, &path, o.errs, "Coverage zone", coverage_zone);
        }
    }
    o.object("availability", true, |a| {
        a.one_of("status", true, &["OPEN", "CLOSED", "TEMPORARILY_CLOSED"]);
        if let Some(list) = a.array("schedules", false, MAX_SCHEDULES) {
            for (i, week) in list.iter().enumerate() {
                let path = a.path.key("schedules").index(i);
                walk_object(week, &path, a.errs, "Schedule", |w| {
                    for (day, hours) in w.map {
                        let p = w.path.key(day.clone());
                        if !DAYS.contains(&day.as_str()) {
                            w.errs.add(
                                &p,
                                code::INVALID,
                                "Schedule keys must be monday through sunday",
                            );
                            continue;
                        }
                        walk_object(hours, &p, w.errs, "Day hours", |h| {
                            for key in ["start_time", "end_time"] {
                                if let Some(t) = h.string(key, true) {
                                    if !is_iso_time(t) {
                                        h.invalid(key, "an ISO time such as 10:00:00");
                                    }
                                }
                            }
                        });
                    }
                });
            }
        }
        a.localized("temporary_closed_reason", false);
        if let Some(s) = a.string("temporary_closed_until", false) {
            if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                a.invalid(
                    "temporary_closed_until",
                    "an ISO 8601 datetime with offset such as 2026-12-01T09:00:00-05:00",
                );
            }
        }
    });
    o.localized("instructions", false);
}

fn coverage_zone(z: &mut Obj<'_, '_>) {
    z.text("name", true, 1, 100);
    z.one_of("type", true, &["RADIUS", "POLYGON"]);
    match z.map.get("type").and_then(Value::as_str) {
        Some("RADIUS") => z.object("radius_info", true, |r| {
            r.number("latitude", true, dec(-90), dec(90));
            r.number("longitude", true, dec(-180), dec(180));
            r.number("radius", true, dec(0), dec(100_000));
        }),
        Some("POLYGON") => z.object("polygon_info", true, |p| {
            let Some(points) = p.array("polygon", true, MAX_POLYGON_POINTS) else {
                return;
            };
            if points.len() < 3 {
                p.errs.add(
                    &p.path.key("polygon"),
                    code::TOO_SHORT,
                    "Polygon must have at least 3 points",
                );
            }
            for (i, pt) in points.iter().enumerate() {
                let ok = pt.as_array().is_some_and(|xy| {
                    xy.len() == 2
                        && xy[0]
                            .as_f64()
                            .is_some_and(|lat| (-90.0..=90.0).contains(&lat))
                        && xy[1]
                            .as_f64()
                            .is_some_and(|lng| (-180.0..=180.0).contains(&lng))
                });
                if !ok {
                    p.errs.add(
                        &p.path.key("polygon").index(i),
                        code::INVALID,
                        "Polygon points must be [latitude, longitude] pairs of numbers in range",
                    );
                }
            }
        }),
        _ => {}
    }
}

pub(super) fn payment_method(m: &mut Obj<'_, '_>) {
    m.one_of(
        "method",
        true,
        &["CREDIT", "DEBIT", "CASH", "BANK_TRANSFER", "OTHER"],
    );
    m.number("minimum_order_value", true, dec(0), dec(MAX_MONEY));
    m.number("maximum_order_value", true, dec(0), dec(MAX_MONEY));
    if let Some(providers) = m.array("providers", true, MAX_PROVIDERS) {
        for (i, pr) in providers.iter().enumerate() {
            let path = m.path.key("providers").index(i);
            walk_object(pr, &path, m.errs, "Provider", |p| {
                p.uuid("id", true);
                p.text("name", true, 1, 100);
                p.one_of("status", true, &["ACTIVE", "INACTIVE"]);
            });
        }
    }
}
