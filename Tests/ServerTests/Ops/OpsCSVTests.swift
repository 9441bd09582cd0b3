import Foundation
import MediaCore
@testable import Server
import Showrunner
import Testing

@Suite struct OpsCSVTests {
    @Test func fieldsAreQuotedOnlyWhenNeeded() {
        #expect(OpsCSV.field("plain") == "plain")
        #expect(OpsCSV.field("a,b") == "\"a,b\"")
        #expect(OpsCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(OpsCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(OpsCSV.field("cr\r") == "\"cr\r\"")
        #expect(OpsCSV.field("") == "")
    }

    @Test func slotsGolden() {
        let rows = [OpsFixture.slots[7], OpsFixture.slots[12],
                    OpsFixture.slot("say \"hi\", world", "mid-1", 0, at: 60_000, filled: 0, served: 0, seen: 0,
                                    findings: ["a.m3u8:1 x", "b.m3u8:2 y, z"])]
        #expect(OpsCSV.slots(rows) == """
        title,channel,break,position,slot,at_ms,planned_ms,planned,marked,renditions,decided,filled,fill_rate,served,seen,discrepancy,flags,reasons,findings\r
        film-noir,tv-one,post,post,0,5400000,15000,120,4,4,120,40,0.333,40,22,0.450,unfilled discrepancy,filled=40 unfilled=80,\r
        ep-s01e02,tv-one,mid-9,mid,0,,0,0,0,4,0,0,,3,3,0.000,unplanned,filled=0,\r
        "say ""hi"", world",tv-one,mid-1,mid,0,60000,30000,120,4,4,120,0,0.000,0,0,,,filled=0 unfilled=120,"a.m3u8:1 x | b.m3u8:2 y, z"\r

        """)
    }

    @Test func bootGolden() {
        #expect(OpsCSV.boot(OpsFixture.boot) == """
        creative,brand,priority,default,expected_permille\r
        brew-60,brew-co,1,false,400\r
        sneaker-15,stride,2,false,250\r
        house-default,tv-one,10,true,300\r
        (none),,,false,50\r

        """)
    }

    @Test func pacingGolden() {
        let p = OpsPacing(campaign: "brew-winter", goal: 400_000, points: [OpsPacingPoint(hour: 0, delivered: 0, planned: 0),
                                                                          OpsPacingPoint(hour: 1, delivered: 120, planned: 500)])
        #expect(OpsCSV.pacing([p]) == "campaign,goal,hour,delivered,planned\r\nbrew-winter,400000,0,0,0\r\nbrew-winter,400000,1,120,500\r\n")
        #expect(OpsCSV.pacing(OpsFixture.dashboard.pacing).components(separatedBy: "\r\n").count == 1 + 3 * 25 + 1)
    }

    @Test func reachGoldenMatchesTheCLIColumns() {
        #expect(OpsCSV.reach(OpsFixture.reach) == """
        campaign,impressions,devices,households,average_frequency,devices_by_endpoint\r
        brew-winter,18450,9210,7032,2.624,mobile=2410 tv=6020 web=780\r
        stride-launch,6130,4002,3640,1.684,mobile=2202 tv=1800\r
        bank-q4,950,910,905,1.050,web=910\r

        """)
        let cli = ReportTable.reach(Report(period: ReportPeriod(from: Timestamp(milliseconds: 0), until: Timestamp(milliseconds: 1)),
                                           rows: OpsFixture.reach, excludedFlagged: 0)).csv
        #expect(OpsCSV.reach(OpsFixture.reach) == cli)
    }

    @Test func sessionsDecisionsAndEventsGolden() {
        #expect(OpsCSV.sessions([OpsFixture.session(1, title: "film-noir", filled: 2, total: 3)]) == """
        session,title,channel,device,created,filled_slots,total_slots\r
        7ad0369cf258be147ad0369cf258be14,film-noir,tv-one,dev-1017,2026-11-29T19:30:00.000Z,2,3\r

        """)
        let r = OpsFixture.replay
        let decisions = OpsCSV.decisions(r.breaks).components(separatedBy: "\r\n")
        #expect(decisions.count == 1 + 5 + 1)
        #expect(decisions[0] == "break,position,at_ms,planned_ms,slot,creative,campaign,brand,reason,detail,duration_ms,trimmed,source")
        #expect(decisions[1] == "pre,pre,0,30000,0,brew-15,brew-winter,brew-co,filled,\"priority 1, 12 % behind pacing\",15000,false,engine")
        #expect(decisions[5] == "mid-1,mid,1350000,60000,-1,brew-30,brew-winter,brew-co,separated,brew-co already in the break <coffee>,0,false,engine")
        let events = OpsCSV.events(r.events).components(separatedBy: "\r\n")
        #expect(events[0] == "ts,source,type,slot_id,creative,campaign,position_ms,event_id,flags")
        #expect(events[4] == "2026-11-29T20:00:22.500Z,client,complete,\(r.session.id).pre.0,brew-15,,,ev-3,datacenter_ip")
    }
}
