# SPDX-License-Identifier: GPL-3.0-or-later
"""Site mode: several benches on one real PostgreSQL (a private server with
TLS, tests/servers/pg_server.py), each a real packbenchctl with its own
store, sharing the local Amazon and Click & Drop servers, one cupsd and one
printer sink. Two benches racing to ship one order buy one label, print it
once and confirm it once; the site database never holds personal data."""

import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import unittest

import pbtest
from pbtest import Bench, ADMIN_PASSWORD
from shipping import Shipping
import cupsd

sys.path.insert(0, os.path.join(pbtest.SOURCE_ROOT, "tests", "servers"))
import pg_server  # noqa: E402

PRINTABLE = cupsd.available() is None
PG_MISSING = pg_server.available()

RACE_ROUNDS = int(os.environ.get("PB_SITE_RACE_ROUNDS", "100"))


class SiteBench(Bench):
    """A bench of the site whose policy clock is the first bench's: they
    share operators, and a TOTP code used at one is used at every bench."""

    def __init__(self, test, clock_of):
        self.clock_of = clock_of
        super().__init__(test)
        self.secrets = clock_of.secrets
        self.passwords = clock_of.passwords

    @property
    def now(self):
        return self.clock_of.now

    @now.setter
    def now(self, value):
        self.clock_of.now = max(self.clock_of.now, value)


def tcp_uri(pg, sslmode="verify-full", ca=None):
    """The URI an IT person writes: no password in it (that is a line of
    its own), TLS checked against the site's CA."""
    query = "sslmode=" + sslmode
    if sslmode in ("verify-ca", "verify-full"):
        query += "&sslrootcert=" + (ca or pg.ca)
    return "postgresql://packbench@127.0.0.1:%d/packbench_site?%s" % (pg.port, query)


@unittest.skipIf(PG_MISSING, PG_MISSING or "")
class SiteTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = pg_server.PgServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.pg.stop()

    def setUp(self):
        # Every test starts from an empty site database.
        self.pg.sql("DROP DATABASE IF EXISTS packbench_site WITH (FORCE)")
        self.pg.sql("CREATE DATABASE packbench_site OWNER packbench")
        self.uri = tcp_uri(self.pg)

    def create_site(self, bench, name="Bench A"):
        return bench.ok(bench.run("site", "create", self.uri, "--bench", name, "--user", "admin",
                                  lines=[self.pg.password] + bench.login_lines("admin")))

    def join(self, bench, name, user="admin", password=None):
        return bench.run("site", "join", self.uri, "--bench", name, "--user", user,
                         lines=[self.pg.password] + bench.login_lines(user, password))

    def status(self, bench):
        return json.loads(bench.ok(bench.run("site", "status", "--json")).stdout)

    def site_sql(self, sql):
        return self.pg.sql(sql, dbname="packbench_site")


class Joining(SiteTestCase):
    def test_a_solo_bench_becomes_a_site_and_a_new_machine_joins_it(self):
        a = Bench(self)
        a.init()
        self.assertIsNone(self.status(a)["site"])
        result = self.create_site(a)
        self.assertIn("Bench A", result.stdout)
        status = self.status(a)
        self.assertEqual(status["bench"], "Bench A")
        self.assertTrue(status["connected"])
        self.assertEqual(status["schema_version"], status["known_schema_version"])
        self.assertIn("TLS", status["connection"])
        site_file = os.path.join(a.dir, "site.conf")
        self.assertEqual(os.stat(site_file).st_mode & 0o777, 0o600)

        # A packer added at bench A before the new bench joins.
        a.add_user("pat", "packer")

        b = SiteBench(self, a)
        result = self.join(b, "Bench B")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.status(b)["bench"], "Bench B")
        # Bench B's store is keyed with the site's key: the same people log
        # in there with the same passwords.
        whoami = b.ok(b.as_user("pat", "whoami"))
        self.assertIn("pat", whoami.stdout)
        self.assertIn("packer", whoami.stdout.lower())

        # An operator added at bench B logs in at bench A.
        b.add_user("sam", "packer", by="admin")
        self.assertIn("sam", a.ok(a.as_user("sam", "whoami")).stdout)

        # Disabled at A: refused at B from its next login on.
        a.ok(a.as_user("admin", "user", "disable", "sam"))
        refused = b.as_user("sam", "whoami")
        self.assertEqual(refused.returncode, 3, refused.stdout + refused.stderr)

        benches = self.site_sql("SELECT name FROM benches ORDER BY name").split()
        self.assertEqual(benches, ["Bench", "A", "Bench", "B"])

    def test_catalogue_and_rules_are_set_up_once(self):
        a = Bench(self)
        a.init()
        csv = os.path.join(a.root, "catalogue.csv")
        with open(csv, "w") as handle:
            handle.write("sku,barcodes,weight_g,package_format\nMUG-1,5012345678900,450,smallParcel\n")
        a.ok(a.as_user("admin", "catalogue", "import", csv))
        a.ok(a.as_user("admin", "rules", "add", "--format", "largeLetter", "--service", "TPS48",
                       "--max-weight", "750"))
        self.create_site(a)
        b = SiteBench(self, a)
        self.assertEqual(self.join(b, "Bench B").returncode, 0)

        def rules(bench):
            listed = json.loads(bench.ok(bench.as_user("admin", "rules", "list", "--json")).stdout)
            return [(r["package_format"], r["service_code"]) for r in listed]

        def products(bench):
            out = bench.sql("SELECT sku, weight_g FROM products ORDER BY sku;").stdout.split()
            return [line for line in out if line != "ok"]  # "ok": sqlcipher's answer to the key

        self.assertEqual(rules(b), [("largeLetter", "TPS48")])
        self.assertEqual(products(b), ["MUG-1|450"])
        # Changed at B: A has it at its next login.
        with open(csv, "w") as handle:
            handle.write("sku,weight_g\nMUG-1,500\nPLATE-2,900\n")
        b.ok(b.as_user("admin", "catalogue", "import", csv))
        b.ok(b.as_user("admin", "rules", "add", "--format", "smallParcel", "--service", "TPN24"))
        self.assertEqual(rules(a), [("largeLetter", "TPS48"), ("smallParcel", "TPN24")])
        self.assertEqual(products(a), ["MUG-1|500", "PLATE-2|900"])
        # The catalogue and rules in the site database are sealed.
        dump = self.site_sql("SELECT sealed FROM catalogue_imports; SELECT sealed FROM"
                             " shared_documents;")
        for word in ("MUG-1", "PLATE-2", "TPN24", "largeLetter"):
            self.assertNotIn(word, dump)

    def test_wrong_passwords_spread_over_three_benches_lock_the_account_everywhere(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        a.add_user("pat", "packer")
        b = SiteBench(self, a)
        c = SiteBench(self, a)
        self.assertEqual(self.join(b, "Bench B").returncode, 0)
        self.assertEqual(self.join(c, "Bench C").returncode, 0)
        for bench in (a, a, b, b, c):
            result = bench.run("whoami", "--user", "pat", lines=["Wrong-Password-1!"])
            self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("locked", result.stderr)
        for bench in (a, b, c):
            result = bench.as_user("pat", "whoami")
            self.assertEqual(result.returncode, 5, result.stderr)
            self.assertIn("locked", result.stderr)
        # A supervisor's unlock at one bench holds at the others.
        a.add_user("sue", "supervisor")
        a.ok(a.as_user("sue", "user", "unlock", "pat"))
        self.assertIn("pat", c.ok(c.as_user("pat", "whoami")).stdout)

    def test_wrong_password_leaves_nothing_behind(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        b = SiteBench(self, a)
        result = self.join(b, "Bench B", password="not-the-password")
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertIn("Wrong username or password", result.stderr)
        self.assertFalse(os.path.exists(b.dir))
        self.assertNotIn("Bench B", self.site_sql("SELECT name FROM benches"))

    def test_a_bench_name_is_taken_once(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        b = SiteBench(self, a)
        result = self.join(b, "Bench A")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("called “Bench A” already", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(b.dir, "site.conf")))

    def test_a_second_site_in_one_database_is_refused(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        other = Bench(self)
        other.init()
        result = other.run("site", "create", self.uri, "--bench", "Other", "--user", "admin",
                           lines=[self.pg.password] + other.login_lines("admin"))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("holds a site already", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(other.dir, "site.conf")))

    def test_joining_where_a_store_exists_is_refused(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        b = SiteBench(self, a)
        b.init()
        before = b.store_files()
        result = self.join(b, "Bench B")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("has a store already", result.stderr)
        self.assertEqual(b.store_files(), before)

    def test_leaving_makes_the_bench_solo_again(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        a.ok(a.as_user("admin", "site", "leave"))
        self.assertIsNone(self.status(a)["site"])
        self.assertFalse(os.path.exists(os.path.join(a.dir, "site.conf")))
        removed = self.site_sql("SELECT removed_at IS NOT NULL FROM benches")
        self.assertEqual(removed, "t")
        # Still the same store, still opens.
        a.ok(a.as_user("admin", "whoami"))

    def test_a_packer_may_not_create_a_site(self):
        a = Bench(self)
        a.init()
        a.add_user("pat", "packer")
        result = a.run("site", "create", self.uri, "--user", "pat",
                       lines=[self.pg.password] + a.login_lines("pat"))
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(a.dir, "site.conf")))


class Tls(SiteTestCase):
    def refused(self, uri):
        a = Bench(self)
        a.init()
        result = a.run("site", "create", uri, "--user", "admin",
                       lines=[self.pg.password] + a.login_lines("admin"))
        self.assertNotEqual(result.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(a.dir, "site.conf")))
        return result

    def test_weaker_than_verify_full_over_the_network_is_refused_in_words(self):
        for mode in ("disable", "prefer", "require", "verify-ca"):
            result = self.refused(tcp_uri(self.pg, sslmode=mode))
            self.assertIn("sslmode=verify-full", result.stderr, mode)
        self.assertIn("sslmode=prefer", self.refused(
            "postgresql://packbench@127.0.0.1:%d/packbench_site" % self.pg.port).stderr)

    def test_a_certificate_from_another_ca_is_refused(self):
        other = pg_server.pbcerts.make_ca_and_server(os.path.join(self.pg.dir, "other-ca"))
        result = self.refused(tcp_uri(self.pg, ca=other["ca"]))
        self.assertIn("Cannot connect to the site database", result.stderr)
        self.assertIn("certificate", result.stderr)

    def test_a_wrong_host_name_is_refused(self):
        uri = tcp_uri(self.pg).replace("127.0.0.1", "localhost.localdomain")
        # The certificate is for localhost and 127.0.0.1 only.
        result = self.refused(uri)
        self.assertIn("Cannot connect to the site database", result.stderr)

    def test_a_local_socket_needs_no_tls(self):
        a = Bench(self)
        a.init()
        uri = "postgresql://packbench@/packbench_site?host=%s&port=%d" % (
            self.pg.socket_dir, self.pg.port)
        a.ok(a.run("site", "create", uri, "--bench", "Socket", "--user", "admin",
                   lines=[self.pg.password] + a.login_lines("admin")))
        self.assertIn("socket", self.status(a)["connection"])


class Schema(SiteTestCase):
    def test_an_older_packbench_refuses_a_newer_schema_in_words(self):
        a = Bench(self)
        a.init()
        self.create_site(a)
        self.site_sql("INSERT INTO packbench_schema (version) VALUES (999)")
        status = a.run("site", "status", "--json")
        self.assertEqual(status.returncode, 1)
        self.assertIn("newer Packbench (schema 999", json.loads(status.stdout)["error"])


@unittest.skipUnless(PRINTABLE, "needs cupsd and root")
class Shipping2(SiteTestCase):
    """Two benches with the same Amazon and Click & Drop accounts."""

    orders = 30

    def setUp(self):
        super().setUp()
        self.a = Bench(self)
        self.a.init()
        self.shipping = Shipping(self, self.a, orders=self.orders)
        self.create_site(self.a)
        self.a.add_user("pat", "packer")
        self.a.add_user("sam", "packer")
        self.b = SiteBench(self, self.a)
        result = self.join(self.b, "Bench B")
        self.assertEqual(result.returncode, 0, result.stderr)
        # What stays per bench: its printer and the CA file on its own disk.
        self.b.ok(self.b.as_user(
            "admin", "config", "set", "print.printer", "labels-zpl", "print.mode", "zpl",
            "print.dpi", "203", "print.timeout_seconds", "20",
            "tls.ca_file", self.shipping.api.certs["ca"], "net.retry_base_ms", "100",
            "net.max_retries", "4", env=self.shipping.env))

    def run_at(self, bench, *args, user="admin"):
        return bench.as_user(user, *args, env=self.shipping.env)

    def ship_at(self, bench, user, order_id):
        return self.run_at(bench, "ship", order_id, "--weight", "450", user=user)


class Polling(Shipping2):
    def test_only_one_bench_searches_amazon_per_interval(self):
        self.shipping.api.control("DELETE", "/_test/clients")
        first = self.a.ok(self.run_at(self.a, "sync"))
        self.assertIn("This bench ran the site’s sync", first.stdout)
        second = self.b.ok(self.run_at(self.b, "sync"))
        self.assertIn("Read from the site", second.stdout)
        searching = self.shipping.api.control(
            "GET", "/_test/clients?operation=searchOrders")["clients"]
        self.assertEqual(len(searching), 1, searching)
        # Bench B has the queue all the same, without anyone's address.
        listed = json.loads(self.b.ok(self.run_at(self.b, "orders", "list", "--json")).stdout)
        self.assertGreaterEqual(len(listed), 20)
        order_id = self.shipping.unshipped()[0]["orderId"]
        shown = self.run_at(self.b, "orders", "show", order_id)
        name = self.shipping.unshipped()[0]["recipient"]["deliveryAddress"]["name"]
        self.assertNotIn(name, shown.stdout)


class Claims(Shipping2):
    def test_a_supervisor_frees_an_order_a_crashed_bench_held(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        order_id = self.shipping.unshipped()[0]["orderId"]
        # Bench B dies just after claiming the order.
        crashed = self.b.as_user("sam", "ship", order_id, "--weight", "450",
                                 env=dict(self.shipping.env, PACKBENCH_FAULT="ship.after-claim"))
        self.assertEqual(crashed.returncode, 99, crashed.stderr)
        held = self.ship_at(self.a, "pat", order_id)
        self.assertEqual(held.returncode, 1)
        self.assertIn("is being packed at Bench B by sam", held.stderr)
        # A packer may not free it; a supervisor may, once B is quiet or by insisting.
        self.a.add_user("sue", "supervisor")
        refused = self.run_at(self.a, "site", "release", order_id, user="pat")
        self.assertEqual(refused.returncode, 4, refused.stderr)
        alive = self.run_at(self.a, "site", "release", order_id, user="sue")
        self.assertEqual(alive.returncode, 1)
        self.assertIn("still working on order", alive.stderr)
        freed = self.a.ok(self.run_at(self.a, "site", "release", order_id, "--force", user="sue"))
        self.assertIn("held at Bench B by sam", freed.stdout)
        shipped = self.a.ok(self.ship_at(self.a, "pat", order_id))
        self.assertIn("Tracking:", shipped.stdout)
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 1)
        audit = json.loads(self.a.ok(self.a.as_user("admin", "audit", "list", "--json")).stdout)
        self.assertIn(("site.claim_released", order_id, "sue"),
                      [(r["action"], r["subject"], r.get("actor") or r.get("operator"))
                       for r in audit])


    def test_a_label_bought_at_one_bench_reprints_at_another(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        order_id = self.shipping.unshipped()[0]["orderId"]
        self.a.ok(self.ship_at(self.a, "pat", order_id))
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)
        # Bench B has no label of it: Click & Drop gives it again.
        self.b.ok(self.run_at(self.b, "label", "reprint", order_id))
        jobs = self.shipping.sink.wait_for_jobs(2)
        self.assertEqual(len(jobs), 2)
        self.assertTrue(jobs[1].startswith(b"^XA"), jobs[1][:40])
        audit = json.loads(self.b.ok(self.b.as_user("admin", "audit", "list", "--json")).stdout)
        reprints = [r for r in audit if r["action"] == "label.reprinted" and r["subject"] == order_id]
        self.assertEqual(len(reprints), 1)
        self.assertEqual(reprints[0]["detail"], "from Click & Drop")
        # And B keeps no copy of it.
        labels = self.b.sql("SELECT count(*) FROM documents WHERE order_id = '%s';" % order_id)
        self.assertIn("0", labels.stdout.split())


class Outage(Shipping2):
    def restart(self):
        if not self.pg.running:
            self.pg.start_server()

    def test_without_the_site_packing_pauses_and_a_bought_label_finishes(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()]
        bought, other = orders[0], orders[1]
        # Bench A buys a label, then dies before printing it.
        crashed = self.a.as_user("pat", "ship", bought, "--weight", "450",
                                 env=dict(self.shipping.env, PACKBENCH_FAULT="ship.after-label-stored"))
        self.assertEqual(crashed.returncode, 99, crashed.stderr)

        self.addCleanup(self.restart)
        self.pg.stop_server()
        paused = self.ship_at(self.a, "pat", other)
        self.assertEqual(paused.returncode, 1)
        self.assertIn("Packing is paused: the site database cannot be reached", paused.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(other), 0)
        # The label already bought prints and reaches Amazon all the same.
        finished = self.a.ok(self.ship_at(self.a, "pat", bought))
        self.assertIn("Tracking:", finished.stdout)
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)
        self.assertEqual(self.shipping.clickdrop.creates(bought), 1)

        # Back: the site learns of the shipment at the next sync, and packing goes on.
        self.pg.start_server()
        self.a.ok(self.run_at(self.a, "sync"))
        tracking = self.site_sql("SELECT tracking_number FROM shipments WHERE order_id = '%s'"
                                 % bought)
        self.assertRegex(tracking, r"^RM\d{9}GB$")
        refused = self.ship_at(self.b, "sam", bought)
        self.assertIn("was shipped at Bench A by pat", refused.stderr)
        self.a.ok(self.ship_at(self.a, "pat", other))
        self.assertEqual(self.shipping.clickdrop.creates(other), 1)


class Racing(Shipping2):
    # About four in five of the server's orders are unshipped and to Great Britain.
    orders = max(30, RACE_ROUNDS * 3 // 2 + 10)

    def test_two_benches_shipping_one_order_buy_one_label(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()][:RACE_ROUNDS]
        self.assertEqual(len(orders), RACE_ROUNDS)
        outcomes = {"a": 0, "b": 0}
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for number, order_id in enumerate(orders):
                at_a = pool.submit(self.ship_at, self.a, "pat", order_id)
                at_b = pool.submit(self.ship_at, self.b, "sam", order_id)
                results = {"a": at_a.result(), "b": at_b.result()}
                won = [k for k, r in results.items() if r.returncode == 0]
                self.assertEqual(len(won), 1, "round %d (%s): %s" % (
                    number, order_id,
                    {k: (r.returncode, r.stdout, r.stderr) for k, r in results.items()}))
                outcomes[won[0]] += 1
                lost = results["b" if won[0] == "a" else "a"]
                self.assertRegex(lost.stderr, r"is being packed at Bench [AB] by (pat|sam)"
                                 r"|was shipped at Bench [AB] by (pat|sam)")
                self.assertNotIn("Tracking:", lost.stdout)
                self.assertEqual(self.shipping.clickdrop.creates(order_id), 1, order_id)
        # One print per order, one confirmation per order.
        jobs = self.shipping.sink.wait_for_jobs(RACE_ROUNDS)
        self.assertEqual(len(jobs), RACE_ROUNDS)
        confirmed = {}
        for confirmation in self.shipping.api.confirmations():
            text = json.dumps(confirmation)
            for order_id in orders:
                if order_id in text:
                    confirmed[order_id] = confirmed.get(order_id, 0) + 1
        self.assertEqual(confirmed, {order_id: 1 for order_id in orders})
        shipments = self.site_sql("SELECT count(*), count(DISTINCT order_id) FROM shipments"
                                  " WHERE tracking_number IS NOT NULL").split("|")
        self.assertEqual([int(n) for n in shipments], [RACE_ROUNDS, RACE_ROUNDS])
        print("race: %d rounds, won at A %d, at B %d" % (RACE_ROUNDS, outcomes["a"],
                                                        outcomes["b"]))


class Audit(Shipping2):
    """Every bench's audit chain in the site: one view, one check."""

    def labels_printed(self, rows):
        return {(r["bench"], r["operator"], r["subject"])
                for r in rows if r["action"] == "label.printed"}

    def test_every_benchs_chain_is_in_the_site_and_a_break_names_its_bench(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        order_a, order_b = [o["orderId"] for o in self.shipping.unshipped()[:2]]
        self.a.ok(self.ship_at(self.a, "pat", order_a))
        self.b.ok(self.ship_at(self.b, "sam", order_b))

        # One view over the site, from either bench, and one bench's rows.
        rows = json.loads(self.b.ok(self.run_at(self.b, "audit", "list", "--json")).stdout)
        self.assertEqual(self.labels_printed(rows),
                         {("Bench A", "pat", order_a), ("Bench B", "sam", order_b)})
        only_a = json.loads(self.b.ok(self.run_at(
            self.b, "audit", "list", "--bench", "Bench A", "--json")).stdout)
        self.assertEqual({r["bench"] for r in only_a}, {"Bench A"})
        self.assertEqual(self.labels_printed(only_a), {("Bench A", "pat", order_a)})
        text = self.b.ok(self.run_at(self.b, "audit", "list", "--action", "label.printed")).stdout
        self.assertRegex(text, r"(?m)^Bench A +\d+ .* pat +label\.printed +%s" % order_a)

        # The export gains a bench column.
        path = os.path.join(self.b.root, "site-audit.csv")
        self.b.ok(self.run_at(self.b, "audit", "export", "--output", path))
        with open(path, newline="", encoding="utf-8") as f:
            exported = list(csv.reader(f))
        self.assertEqual(exported[0][-1], "bench")
        self.assertEqual({row[-1] for row in exported[1:]}, {"Bench A", "Bench B"})

        # Both chains verify, from either bench.
        intact = self.a.ok(self.run_at(self.a, "audit", "verify")).stdout
        for bench in ("Bench A", "Bench B"):
            self.assertRegex(intact, r"%s: the site’s copy of its audit log is intact: "
                                     r"\d+ rows verified" % bench)

        # Someone with the database's password edits a row of bench B's.
        self.site_sql("UPDATE audit_events SET detail = 'edited'"
                      " WHERE bench = 'Bench B' AND seq = 3")
        broken = self.run_at(self.a, "audit", "verify")
        self.assertEqual(broken.returncode, 1, broken.stdout + broken.stderr)
        self.assertIn("Bench B: audit row 3 does not match its hash", broken.stderr)
        self.assertIn("BROKEN at Bench B row 3", broken.stdout)
        self.assertRegex(broken.stdout, r"Bench A: the site’s copy of its audit log is intact")
        # ... or deletes one of bench A's.
        self.site_sql("DELETE FROM audit_events WHERE bench = 'Bench A' AND seq = 2")
        broken = self.run_at(self.b, "audit", "verify")
        self.assertEqual(broken.returncode, 1)
        self.assertIn("Bench A: audit row 2 is missing from the site’s copy", broken.stderr)
        self.assertIn("BROKEN at Bench A row 2", broken.stdout)
        self.assertIn("BROKEN at Bench B row 3", broken.stdout)

    def test_activity_counts_the_whole_floor_from_either_bench(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()[:3]]
        # The first order was scanned at bench A 40 s before its print.
        self.assertEqual(self.a.sql("UPDATE orders SET pack_started_at = %d WHERE id = '%s';"
                                    % (self.a.now - 40, orders[0])).returncode, 0)
        self.a.ok(self.ship_at(self.a, "pat", orders[0]))
        self.a.ok(self.ship_at(self.a, "pat", orders[1]))
        self.b.ok(self.ship_at(self.b, "sam", orders[2]))
        self.a.add_user("sue", "supervisor")

        day = self.a.iso_now()[:10]
        report = json.loads(self.b.ok(self.run_at(
            self.b, "activity", "--from", day, "--to", day, "--json", user="sue")).stdout)
        operators = {o["username"]: o for o in report["operators"]}
        self.assertEqual(operators["pat"]["labels"], 2)
        self.assertEqual(operators["pat"]["mis_scans"], 0)
        self.assertEqual(operators["pat"]["median_scan_to_print_s"], 40)
        self.assertEqual(operators["sam"]["labels"], 1)
        self.assertIsNone(operators["sam"]["median_scan_to_print_s"])
        benches = {b["bench"]: b for b in report["benches"]}
        self.assertEqual({name: b["labels"] for name, b in benches.items()},
                         {"Bench A": 2, "Bench B": 1})
        for bench in benches.values():
            self.assertRegex(bench["last_seen"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        # One bench; another day has nothing.
        only_b = json.loads(self.a.ok(self.run_at(
            self.a, "activity", "--from", day, "--bench", "Bench B", "--json", user="sue")).stdout)
        self.assertEqual([(o["username"], o["labels"]) for o in only_b["operators"]], [("sam", 1)])
        self.assertEqual([b["bench"] for b in only_b["benches"]], ["Bench B"])
        empty = json.loads(self.a.ok(self.run_at(
            self.a, "activity", "--from", "2020-01-01", "--to", "2020-01-01", "--json",
            user="sue")).stdout)
        self.assertEqual(empty["operators"], [])
        self.assertEqual({b["bench"]: b["labels"] for b in empty["benches"]},
                         {"Bench A": 0, "Bench B": 0})

        # A packer may not; a bad date is refused in words.
        refused = self.run_at(self.a, "activity", "--json", user="pat")
        self.assertEqual(refused.returncode, 4)
        bad = self.run_at(self.a, "activity", "--from", "yesterday", user="sue")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--from and --to need a date or time in ISO 8601", bad.stderr)
        backwards = self.run_at(self.a, "activity", "--from", day, "--to", "2020-01-01", user="sue")
        self.assertEqual(backwards.returncode, 2)
        self.assertIn("--to is before --from", backwards.stderr)

    def test_access_is_reviewed_once_for_the_site(self):
        before = self.b.ok(self.run_at(self.b, "user", "list")).stdout
        self.assertIn("Access has never been reviewed.", before)
        reviewed = self.a.ok(self.run_at(self.a, "user", "review"))
        self.assertIn("this review counts for every bench of the site", reviewed.stderr)
        # Bench B sees bench A's review as the site's last one.
        after = self.b.ok(self.run_at(self.b, "user", "list")).stdout
        self.assertRegex(after, r"Access last reviewed at .* by admin, at Bench A\.")

    def test_bench_goes_with_list_and_export_in_a_site(self):
        refused = self.run_at(self.a, "audit", "verify", "--bench", "Bench A")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("--bench goes with audit list and export", refused.stderr)
        solo = Bench(self)
        solo.init()
        refused = solo.as_user("admin", "audit", "list", "--bench", "Bench A")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("at a bench in a site", refused.stderr)
        refused = solo.as_user("admin", "activity", "--bench", "Bench A")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("--bench is for a bench in a site", refused.stderr)
        # A solo bench reports itself, by its host name.
        report = json.loads(solo.ok(solo.as_user("admin", "activity", "--json")).stdout)
        self.assertEqual(len(report["benches"]), 1)
        self.assertEqual(report["benches"][0]["labels"], 0)
        self.assertEqual(report["operators"], [])
        # A bench nobody has: no rows, not an error.
        rows = json.loads(self.a.ok(self.run_at(
            self.a, "audit", "list", "--bench", "Bench Z", "--json")).stdout)
        self.assertEqual(rows, [])


class EndOfDay(Shipping2):
    """Click & Drop's manifest is the account's: End of Day is the site's."""

    def labels(self, bench, *args, user="sue"):
        return json.loads(bench.ok(self.run_at(bench, "labels", "list", "--json", *args,
                                               user=user)).stdout)

    def test_one_manifest_covers_every_benchs_labels_and_every_bench_sees_it(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()[:3]]
        self.a.ok(self.ship_at(self.a, "pat", orders[0]))
        self.a.ok(self.ship_at(self.a, "pat", orders[1]))
        self.b.ok(self.ship_at(self.b, "sam", orders[2]))
        self.a.add_user("sue", "supervisor")

        # Bench B's End of Day has bench A's labels too.
        waiting = self.labels(self.b, "--unmanifested")
        self.assertEqual(sorted((r["order_id"], r["bench"], r["operator"]) for r in waiting),
                         sorted([(orders[0], "Bench A", "pat"), (orders[1], "Bench A", "pat"),
                                 (orders[2], "Bench B", "sam")]))
        for row in waiting:
            self.assertRegex(row["tracking_number"], r"^RM\d{9}GB$")
            self.assertRegex(row["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertIsNone(row["manifest"])

        # The site database away: End of Day waits, and Click & Drop is not asked.
        self.pg.stop_server(mode="fast")
        refused = self.run_at(self.b, "manifest", user="sue")
        self.pg.start_server()
        self.assertEqual(refused.returncode, 1)
        self.assertIn("End of Day covers every bench’s labels, so it needs the site database",
                      refused.stderr)

        made = self.b.ok(self.run_at(self.b, "manifest", user="sue"))
        number = int(re.search(r"^Manifest: (\d+)$", made.stdout, re.M).group(1))
        self.assertIn("3 labels of the site’s benches are in the manifest", made.stderr)
        self.assertEqual(self.labels(self.a, "--unmanifested"), [])
        self.assertEqual({(r["order_id"], r["manifest"]) for r in self.labels(self.a)},
                         {(o, number) for o in orders})
        self.assertEqual(self.site_sql("SELECT bench || ' ' || operator || ' ' || labels"
                                       " FROM manifests WHERE number = %d" % number),
                         "Bench B sue 3")
        # Bench A's own store learns of it at its next sync.
        self.a.ok(self.run_at(self.a, "sync"))
        marked = self.a.sql("SELECT count(*) FROM orders WHERE manifest_number = %d;" % number)
        self.assertEqual(marked.stdout.strip().splitlines()[-1], "2", marked.stderr)
        # A packer may not; a second End of Day has nothing to send.
        self.assertEqual(self.run_at(self.a, "labels", "list", user="pat").returncode, 4)
        again = self.run_at(self.a, "manifest", user="sue")
        self.assertEqual(again.returncode, 1)


class Benches(Shipping2):
    def test_an_admin_lists_the_benches_and_removes_one_gone_for_good(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        order_id = self.shipping.unshipped()[0]["orderId"]
        # Bench B dies holding an order, and never comes back.
        crashed = self.b.as_user("sam", "ship", order_id, "--weight", "450",
                                 env=dict(self.shipping.env, PACKBENCH_FAULT="ship.after-claim"))
        self.assertEqual(crashed.returncode, 99, crashed.stderr)
        benches = json.loads(self.a.ok(self.a.run("site", "benches", "--json")).stdout)
        self.assertEqual([b["name"] for b in benches], ["Bench A", "Bench B"])
        for bench in benches:
            self.assertTrue(bench["version"])
            self.assertIsNotNone(bench["last_seen"])
            self.assertIsNone(bench["removed_at"])
            self.assertIn("printer", bench)
            self.assertIn("leader", bench)
        text = self.a.ok(self.a.run("site", "benches")).stdout
        self.assertIn("Bench B: Packbench", text)
        # Bad input, in words; a packer may not; this bench is not removed so.
        unknown = self.run_at(self.a, "site", "remove-bench", "Bench Z")
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("no bench called “Bench Z”", unknown.stderr)
        itself = self.run_at(self.a, "site", "remove-bench", "Bench A")
        self.assertEqual(itself.returncode, 1)
        self.assertIn("leave the site here instead", itself.stderr)
        packer = self.run_at(self.a, "site", "remove-bench", "Bench B", user="pat")
        self.assertEqual(packer.returncode, 4, packer.stderr)
        missing = self.run_at(self.a, "site", "remove-bench")
        self.assertEqual(missing.returncode, 2)
        self.assertIn("needs the bench’s name", missing.stderr)
        chain_before = self.site_sql(
            "SELECT count(*) FROM audit_events WHERE bench = 'Bench B'").strip()
        self.assertNotEqual(chain_before.split()[-1] if chain_before else "0", "0")
        removed = self.a.ok(self.run_at(self.a, "site", "remove-bench", "Bench B"))
        self.assertIn("Bench B is removed from the site", removed.stdout)
        again = self.run_at(self.a, "site", "remove-bench", "Bench B")
        self.assertEqual(again.returncode, 1)
        self.assertIn("removed from the site already", again.stderr)
        benches = json.loads(self.a.ok(self.a.run("site", "benches", "--json")).stdout)
        self.assertIsNotNone([b for b in benches if b["name"] == "Bench B"][0]["removed_at"])
        # Its order is free again, its audit chain stays in the site.
        self.a.ok(self.ship_at(self.a, "pat", order_id))
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 1)
        self.assertEqual(self.site_sql(
            "SELECT count(*) FROM audit_events WHERE bench = 'Bench B'").strip(), chain_before)
        audit = json.loads(self.a.ok(self.a.as_user("admin", "audit", "list", "--json")).stdout)
        self.assertIn(("site.bench_removed", "Bench B"),
                      [(r["action"], r["subject"]) for r in audit])

    def test_a_solo_bench_has_no_benches_to_list(self):
        solo = Bench(self)
        solo.init()
        result = solo.run("site", "benches")
        self.assertEqual(result.returncode, 1)
        self.assertIn("not in a site", result.stderr)


class Problems(Shipping2):
    ADDRESS = "17 Quarrybank Lane"

    def test_other_benches_problems_show_at_any_bench_without_personal_data(self):
        self.a.add_user("sue", "supervisor")
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()[:3]]
        # 1. Bench B's confirmations are refused with an error that quotes an address.
        self.shipping.api.fault(operation="confirmShipment", kind="status", status=400, count=2,
                                body={"errors": [{"code": "InvalidInput",
                                                  "message": "Bad address " + self.ADDRESS,
                                                  "details": "address"}]})
        self.b.ok(self.ship_at(self.b, "sam", orders[0]))
        self.b.ok(self.ship_at(self.b, "sam", orders[1]))
        local = json.loads(self.b.ok(self.run_at(self.b, "outbox", "list", "--json")).stdout)
        stopped = sorted((i for i in local if i["state"] == "attention"),
                         key=lambda i: orders.index(i["order_id"]))
        self.assertEqual([i["order_id"] for i in stopped], orders[:2], local)
        self.assertIn(self.ADDRESS, stopped[0]["last_error"])
        # 2. The buyer cancels the second order after its label was bought.
        self.shipping.api.control("POST", "/_test/orders/%s/cancel" % orders[1])
        # 3. Bench B holds an order and goes quiet (its heartbeat is old).
        crashed = self.b.as_user("sam", "ship", orders[2], "--weight", "450",
                                 env=dict(self.shipping.env, PACKBENCH_FAULT="ship.after-claim"))
        self.assertEqual(crashed.returncode, 99, crashed.stderr)
        # The site's next search of Amazon is due (as if the interval had passed).
        self.site_sql("DELETE FROM sync_state WHERE key = 'sync.last_run'")
        self.shipping.api.advance(180)
        self.a.ok(self.run_at(self.a, "sync"))
        held = json.loads(self.a.ok(self.run_at(self.a, "site", "problems", "--json",
                                                user="sue")).stdout)
        self.assertEqual(held["silent_claims"], [])  # B was heard from just now
        self.site_sql("UPDATE orders SET heartbeat_at = now () - interval '1 hour'"
                      " WHERE order_id = '%s'" % orders[2])
        problems = json.loads(self.a.ok(self.run_at(self.a, "site", "problems", "--json",
                                                    user="sue")).stdout)
        self.assertEqual([(c["order_id"], c["bench"], c["operator"])
                          for c in problems["silent_claims"]], [(orders[2], "Bench B", "sam")])
        self.assertEqual([(l["order_id"], l["bench"]) for l in problems["cancelled_labels"]],
                         [(orders[1], "Bench B")])
        self.assertRegex(problems["cancelled_labels"][0]["tracking_number"], r"^RM\d{9}GB$")
        outbox = sorted((i["bench"], i["order_id"], i["state"]) for i in problems["outbox"])
        self.assertEqual(outbox, sorted([("Bench B", orders[0], "attention"),
                                         ("Bench B", orders[1], "attention")]))
        self.assertEqual(set(problems["outbox"][0]),
                         {"bench", "id", "kind", "order_id", "state", "attempts",
                          "next_attempt_at"})
        text = self.a.ok(self.run_at(self.a, "site", "problems", user="sue")).stdout
        self.assertIn("void it at Bench B", text)
        self.assertIn("retry or discard it at Bench B", text)
        self.assertNotIn(self.ADDRESS, text)
        # The site holds no error text.
        self.assertNotIn(self.ADDRESS, self.site_sql("SELECT * FROM bench_outbox"))
        # A packer may not look; Bench B does not list its own as the others'.
        refused = self.run_at(self.a, "site", "problems", user="pat")
        self.assertEqual(refused.returncode, 4, refused.stderr)
        own = json.loads(self.b.ok(self.run_at(self.b, "site", "problems", "--json")).stdout)
        self.assertEqual((own["silent_claims"], own["cancelled_labels"], own["outbox"]),
                         ([], [], []))
        # A supervisor frees the quiet bench's order without --force.
        freed = self.a.ok(self.run_at(self.a, "site", "release", orders[2], user="sue"))
        self.assertIn("held at Bench B by sam", freed.stdout)
        # Bench B voids its label and retries its item: the site hears of both.
        self.b.ok(self.run_at(self.b, "label", "void", orders[1]))
        self.b.ok(self.run_at(self.b, "outbox", "discard", str(stopped[1]["id"])))
        self.b.ok(self.run_at(self.b, "outbox", "retry", str(stopped[0]["id"])))
        problems = json.loads(self.a.ok(self.run_at(self.a, "site", "problems", "--json",
                                                    user="sue")).stdout)
        self.assertEqual((problems["silent_claims"], problems["cancelled_labels"],
                          problems["outbox"]), ([], [], []))


class Supervision(Shipping2):
    """What a supervisor counts across the floor beside labels: orders late
    at any bench, and claims taken from benches gone quiet."""

    def activity(self, bench, *args):
        return json.loads(bench.ok(self.run_at(bench, "activity", "--json", *args,
                                               user="sue")).stdout)

    def holder(self, order_id):
        return self.site_sql("SELECT coalesce (claimed_by, 'nobody') || '/' ||"
                             " coalesce (claimed_operator, 'nobody') FROM orders"
                             " WHERE order_id = '%s'" % order_id).strip()

    def hold_at_b(self, order_id, quiet=True):
        ago = "interval '1 hour'" if quiet else "interval '0 s'"
        self.site_sql("UPDATE orders SET claimed_by = 'Bench B', claimed_operator = 'sam',"
                      " claimed_at = now () - %s, heartbeat_at = now () - %s"
                      " WHERE order_id = '%s'" % (ago, ago, order_id))

    def test_late_orders_are_counted_across_the_site(self):
        self.a.add_user("sue", "supervisor")
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        orders = [o["orderId"] for o in self.shipping.unshipped()[:5]]
        shipped_at_b, held_at_a, free, cancelled, not_due = orders
        self.b.ok(self.ship_at(self.b, "sam", shipped_at_b))
        # Four orders were due an hour ago (on the benches' clock); every
        # other order in the site is due next month.
        self.site_sql("UPDATE orders SET ship_by_latest = to_timestamp (%d)" % (self.a.now + 30 * 86400))
        self.site_sql("UPDATE orders SET ship_by_latest = to_timestamp (%d) WHERE order_id IN"
                      " ('%s', '%s', '%s', '%s')"
                      % (self.a.now - 3600, shipped_at_b, held_at_a, free, cancelled))
        self.site_sql("UPDATE orders SET status = 'CANCELLED' WHERE order_id = '%s'" % cancelled)
        self.site_sql("UPDATE orders SET claimed_by = 'Bench A', claimed_operator = 'pat',"
                      " claimed_at = now (), heartbeat_at = now () WHERE order_id = '%s'"
                      % held_at_a)
        # Late: the one held at bench A and the one nobody has; not the one
        # bench B shipped, nor the cancelled one, nor the one not yet due.
        day = self.a.iso_now()[:10]
        for bench in (self.a, self.b):
            report = self.activity(bench, "--from", day)
            self.assertEqual(report["late_orders"], 2, report)
        # The contract's members are as they were, the new ones beside them.
        self.assertEqual(set(report), {"from", "to", "operators", "benches", "late_orders",
                                       "claims_taken_over"})
        self.assertEqual([(o["username"], o["labels"]) for o in report["operators"]], [("sam", 1)])
        text = self.b.ok(self.run_at(self.b, "activity", user="sue")).stdout
        self.assertIn("Late orders now: 2", text)
        # Shipped at last: one fewer.
        self.a.ok(self.ship_at(self.a, "pat", held_at_a))
        self.assertEqual(self.activity(self.b)["late_orders"], 1)

    def test_a_supervisor_takes_over_a_quiet_benchs_order(self):
        self.a.add_user("sue", "supervisor")
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        taken, released, working, begun, nobodys = [
            o["orderId"] for o in self.shipping.unshipped()[:5]]
        self.hold_at_b(taken)
        self.hold_at_b(released)
        self.hold_at_b(working, quiet=False)
        self.hold_at_b(begun)
        # Bench B began the label of one before it went quiet.
        self.site_sql("INSERT INTO shipments (order_id, parcel, bench, operator, began_at)"
                      " VALUES ('%s', 1, 'Bench B', 'sam', now () - interval '1 hour')" % begun)

        # Bad input, refused in words, and nothing changes.
        refusals = [
            (working, 1, "sam at Bench B is still working on order %s" % working),
            (begun, 1, "A label of order %s was bought or begun at Bench B" % begun),
            (nobodys, 1, "Order %s is not held by any bench" % nobodys),
            ("999-9999999-9999999", 1, "The site does not know order 999-9999999-9999999"),
        ]
        for order_id, code, words in refusals:
            refused = self.run_at(self.a, "site", "release", order_id, "--take", user="sue")
            self.assertEqual(refused.returncode, code, refused.stdout + refused.stderr)
            self.assertIn(words, refused.stderr)
        self.assertIn("Or take it over anyway with --force",
                      self.run_at(self.a, "site", "release", working, "--take",
                                  user="sue").stderr)
        packer = self.run_at(self.a, "site", "release", taken, "--take", user="pat")
        self.assertEqual(packer.returncode, 4, packer.stderr)
        self.assertEqual([self.holder(o) for o in (taken, working, begun, nobodys)],
                         ["Bench B/sam", "Bench B/sam", "Bench B/sam", "nobody/nobody"])
        self.assertEqual(self.site_sql("SELECT count (*) FROM shipments WHERE order_id = '%s'"
                                       % begun).strip(), "1")

        listed = self.a.ok(self.run_at(self.a, "site", "problems", user="sue")).stdout
        self.assertIn("“site release %s --take” takes it over for this bench" % taken, listed)
        # The quiet bench's order moves to bench A, in sue's name, in one go.
        moved = self.a.ok(self.run_at(self.a, "site", "release", taken, "--take", user="sue"))
        self.assertIn("it was held at Bench B by sam", moved.stdout)
        self.assertEqual(self.holder(taken), "Bench A/sue")
        again = self.run_at(self.a, "site", "release", taken, "--take", user="sue")
        self.assertEqual(again.returncode, 1)
        self.assertIn("This bench holds order %s already" % taken, again.stderr)
        # Bench B may not pack it now; bench A may.
        at_b = self.ship_at(self.b, "sam", taken)
        self.assertEqual(at_b.returncode, 1, at_b.stderr)
        self.assertIn("is being packed at Bench A by sue", at_b.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(taken), 0)
        self.a.ok(self.ship_at(self.a, "pat", taken))
        self.assertEqual(self.shipping.clickdrop.creates(taken), 1)
        # A plain release of another quiet claim counts too.
        self.a.ok(self.run_at(self.a, "site", "release", released, user="sue"))

        audit = json.loads(self.b.ok(self.run_at(self.b, "audit", "list", "--json")).stdout)
        rows = [(r["bench"], r["action"], r["subject"], r["operator"], r["detail"])
                for r in audit if r["action"].startswith("site.claim_")]
        self.assertEqual(sorted(rows), sorted([
            ("Bench A", "site.claim_taken_over", taken, "sue", "held at Bench B by sam"),
            ("Bench A", "site.claim_released", released, "sue", "held at Bench B by sam")]))
        day = self.a.iso_now()[:10]
        self.assertEqual(self.activity(self.b, "--from", day)["claims_taken_over"], 2)
        self.assertEqual(self.activity(self.b, "--from", day, "--bench", "Bench A")
                         ["claims_taken_over"], 2)
        self.assertEqual(self.activity(self.b, "--from", day, "--bench", "Bench B")
                         ["claims_taken_over"], 0)
        self.assertEqual(self.activity(self.b, "--from", "2020-01-01", "--to", "2020-01-01")
                         ["claims_taken_over"], 0)


class NoPersonalData(Shipping2):
    def test_a_dump_after_a_days_work_holds_no_pii_and_no_secret(self):
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))
        unshipped = self.shipping.unshipped()
        for order in unshipped[:3]:
            self.a.ok(self.ship_at(self.a, "pat", order["orderId"]))
        # An error that quotes the address stays at its bench (schema 6).
        address = self.shipping.api.control(
            "GET", "/_test/orders/" + unshipped[3]["orderId"])["order"]["recipient"][
                "deliveryAddress"]["addressLine1"]
        self.shipping.api.fault(operation="confirmShipment", kind="status", status=400, count=1,
                                body={"errors": [{"code": "InvalidInput",
                                                  "message": "Bad address " + address,
                                                  "details": "address"}]})
        for order in unshipped[3:6]:
            self.b.ok(self.ship_at(self.b, "sam", order["orderId"]))
        self.b.ok(self.run_at(self.b, "sync"))
        dump = subprocess.run(
            [os.path.join(self.pg.bindir, "pg_dump") if self.pg.bindir else "pg_dump",
             "--no-owner", self.pg.uri()], capture_output=True, text=True, timeout=300)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        text = dump.stdout
        self.assertIn("COPY public.orders", text)
        self.assertIn("COPY public.audit_events", text)
        self.assertIn("label.printed", text)
        self.assertIn("COPY public.bench_outbox", text)
        self.assertRegex(text, r"Bench B\t\d+\tamazon\.confirm_shipment")
        markers = []
        for summary in self.shipping.api.orders():
            order = self.shipping.api.control("GET", "/_test/orders/" + summary["orderId"])["order"]
            address = order.get("recipient", {}).get("deliveryAddress", {})
            for key in ("name", "addressLine1", "addressLine2", "postalCode", "phone", "city"):
                value = address.get(key)
                if value and len(value) >= 5:
                    markers.append(value)
            for item in order.get("orderItems", []):
                gift = (item.get("giftOptions") or {}).get("giftMessage")
                if gift:
                    markers.append(gift)
        self.assertGreater(len(markers), 50)
        found = [m for m in set(markers) if m in text]
        self.assertEqual(found, [])
        secrets = [ADMIN_PASSWORD, self.pg.password, "pb-test-clickdrop-key",
                   "amzn1.oa2-cs.v1.test-client-secret", "Atzr|IwEBtest-refresh-token"]
        secrets += list(self.a.secrets.values()) + list(self.a.passwords.values())
        for secret in secrets:
            self.assertNotIn(secret, text)
        # And what the site does hold: the shipments, by bench.
        self.assertRegex(text, r"Bench A\tpat")
        self.assertRegex(text, r"Bench B\tsam")


if __name__ == "__main__":
    unittest.main(verbosity=2)
