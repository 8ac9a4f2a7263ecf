#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Supervising the site from one bench (issue 13), driven like a person
through AT-SPI, on the two-bench site of test_two_benches.py:
  SiteAdmin.test_an_admin_frees_a_quiet_benchs_order_and_removes_the_bench
      bench B holds two orders and goes quiet; at bench A the administrator
      sees two orders on Problems, releases one and takes the other over
      for this bench (each with a confirmation), sees both counted as
      claims taken over on Activity, sees
      both benches on Benches (this bench, its version, its printer as its
      heartbeat found it) and removes bench B (with a confirmation); then
      locks the bench, and its heartbeat copies that audit row to the site.
Every step waits for what a person would see, with generous deadlines.
"""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_scenarios import WINDOW, setUpModule  # noqa: E402,F401
import test_two_benches  # noqa: E402


class SiteAdmin(test_two_benches.Site):
    # The two-bench set-up, not its tests (atspi-site runs them).
    test_claims_show_and_an_item_scan_passes_over_them = None
    test_an_outage_pauses_packing_and_it_resumes_by_itself = None

    def title_label(self, pattern):
        # The header of a window with seven page tabs: shown, whether or
        # not the hit test reaches it first.
        return self.app.find_all("label", pattern)

    def site_sql(self, sql):
        return self.pg.sql(sql, dbname="packbench_site")

    def test_an_admin_frees_a_quiet_benchs_order_and_removes_the_bench(self):
        order_id, taken = self.twins[0], self.twins[1]
        # Bench B took two orders, then went quiet: its last heartbeat is old.
        self.site_sql("UPDATE orders SET claimed_by = 'Bench B', claimed_operator = 'sam',"
                      " claimed_at = now () - interval '1 hour',"
                      " heartbeat_at = now () - interval '1 hour' WHERE order_id IN ('%s', '%s')"
                      % (order_id, taken))
        # The set-up's last admin code is used: the app starts at the next one.
        self.bench.advance(30)
        app = self.start_at(self.bench, "admin", "admin")

        app.click(app.find(WINDOW["page_tab"], "Problems"))
        app.find("label", "Orders Held by Benches Gone Quiet", timeout=60)
        app.find("label", re.compile(r"^Held at Bench B by sam since "))
        app.click(app.find("push button", "Release order %s" % order_id))
        app.click_to_close(app.find("push button", re.compile(r"^_?Release( Release)?$")))
        app.wait_for(lambda: app.absent("push button", "Release order %s" % order_id),
                     "the released order to leave the Problems page", timeout=60)
        held = self.site_sql("SELECT coalesce (claimed_by, 'nobody') FROM orders"
                             " WHERE order_id = '%s'" % order_id)
        self.assertEqual(held.strip(), "nobody")
        # The other one the administrator takes over for this bench.
        app.click(app.find("push button", "Take over order %s" % taken))
        app.click_to_close(app.find("push button", re.compile(r"^_?Take Over( Take Over)?$")))
        app.wait_for(lambda: app.absent("label", "Orders Held by Benches Gone Quiet"),
                     "the order taken over to leave the Problems page", timeout=60)
        held = self.site_sql("SELECT claimed_by || '/' || claimed_operator FROM orders"
                             " WHERE order_id = '%s'" % taken)
        self.assertEqual(held.strip(), "Bench A/admin")
        # Both are audited at this bench, and the site has the rows already.
        rows = self.site_sql("SELECT bench || ' ' || actor || ' ' || action || ' ' || subject"
                             " || ' ' || outcome || ' ' || detail FROM audit_events"
                             " WHERE action LIKE 'site.claim_%' ORDER BY action")
        self.assertEqual(rows.strip().splitlines(), [
            "Bench A admin site.claim_released %s ok held at Bench B by sam" % order_id,
            "Bench A admin site.claim_taken_over %s ok held at Bench B by sam" % taken])
        # Activity counts both, from the site's audit rows.
        app.click(app.find(WINDOW["page_tab"], "Activity"))
        row = app.find("list item", "Claims Taken Over", timeout=60)
        app.wait_for(lambda: app.find_all("label", "2", root=row),
                     "two claims taken over on Activity", timeout=60)

        app.click(app.find(WINDOW["page_tab"], "Benches"))
        app.find("label", "Bench A (this bench)", timeout=60)
        app.find("label", "2 benches in the site")
        # Bench A's heartbeat has told the site how its printer is.
        app.wait_for(lambda: app.find_all("label", re.compile(
                         r"^Packbench \S+ · last seen .* · printer (?!not reported)")),
                     "bench A's printer state", timeout=90)
        app.screenshot("benches")
        app.click(app.find("push button", "Remove bench Bench B"))
        app.click_to_close(app.find("push button", re.compile(r"^_?Remove( Remove)?$")))
        app.find("label", re.compile(r"^Removed .* · last seen "), timeout=60)
        app.find("label", "1 bench in the site")
        self.assertEqual(app.find_all("push button", "Remove bench Bench B"), [])
        benches = json.loads(self.bench.ok(self.bench.run("site", "benches", "--json")).stdout)
        removed = {b["name"]: b["removed_at"] is not None for b in benches}
        self.assertEqual(removed, {"Bench A": False, "Bench B": True})

        # The administrator locks the bench. Nothing is synced or asked of
        # the site by hand (the next sync is minutes away): the bench's
        # heartbeat carries the new audit row there.
        app.click(app.find(*WINDOW["lock"]))

        def locked_in_site():
            return self.site_sql("SELECT count (*) FROM audit_events WHERE bench = 'Bench A'"
                                 " AND action = 'session.locked' AND actor = 'admin'").strip() != "0"
        app.wait_for(locked_in_site, "bench A's heartbeat to copy its new audit row to the site",
                     timeout=120)


if __name__ == "__main__":
    unittest.main(verbosity=2)
