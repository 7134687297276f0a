-- The nursery's entrance (A5): guardians stamp their children's arrival and departure on the entrance kiosk, with a
-- short-lived family pass (a QR code on their phone) or a family PIN typed on the tablet.

-- One row per guardian account that has opened its pass. The PIN (6 digits) is kept twice: as an HMAC under the
-- server secret, which the kiosk's lookup finds it by (unique among all accounts), and sealed under the data keys,
-- so the app can show it again. pass_used_until: the expiry of the last pass a kiosk accepted; a pass expiring no
-- later is refused (a photo of a used pass does not open the family again).
CREATE TABLE family_entrance (
    account_id INTEGER PRIMARY KEY REFERENCES guardian_account (id),
    pin_hash TEXT NOT NULL UNIQUE,
    pin_sealed TEXT NOT NULL,
    pass_used_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Which guardian stamped an entry or exit on the entrance kiosk, and who took the child home when it was someone on
-- the child's pick-up list (none: the guardian who stamped). One row per attendance_event a family stamped.
CREATE TABLE entrance_stamp (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL UNIQUE REFERENCES attendance_event (id),
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    pickup_person_id INTEGER REFERENCES pickup_person (id),
    created_at TEXT NOT NULL
);
CREATE INDEX entrance_stamp_account_id_idx ON entrance_stamp (account_id);
CREATE INDEX entrance_stamp_pickup_person_id_idx ON entrance_stamp (pickup_person_id);
