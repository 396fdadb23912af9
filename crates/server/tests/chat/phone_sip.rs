//! Real SIP through Kamailio (issue 11): SIPp places calls into a Kamailio
//! (`deploy/kamailio/switchboard.cfg`) that asks Switchboard's CTI API on
//! every INVITE and acts on the answer — relays to the operator's phone (a
//! SIPp UAS), rejects with 603, or gives the off-hours outcome (480) — and
//! reports ringing, answered, hangup and missed calls back. Each caller
//! exits only once its last reply came through Kamailio, which forwards a
//! reply only after Switchboard took the report: nothing here sleeps.
//!
//! Needs `kamailio` (with `kamailio-utils-modules` and
//! `kamailio-extra-modules`) and `sipp` (`sip-tester`); `.ci/run` installs them.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_server::clock::Clock;
use tokio::process::{Child, Command};

use crate::phone::*;
use crate::support::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .expect("a free UDP port")
}

fn need(tool: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is not installed: run .ci/run, or apt-get install kamailio \
         kamailio-utils-modules kamailio-extra-modules sip-tester"
    );
}

/// The repository's Kamailio config with this test's addresses.
pub fn kamailio_config(port: u16, cti: &str, token: &str, fixed_uri: &str) -> String {
    let source = std::fs::read_to_string(repo().join("deploy/kamailio/switchboard.cfg"))
        .expect("deploy/kamailio/switchboard.cfg");
    source
        .lines()
        .map(|l| {
            let set = |name: &str, value: &str| format!("#!substdef \"!{name}!{value}!g\"");
            if l.starts_with("#!substdef \"!SB_LISTEN!") {
                set("SB_LISTEN", &format!("udp:127.0.0.1:{port}"))
            } else if l.starts_with("#!substdef \"!SB_CTI!") {
                set("SB_CTI", cti)
            } else if l.starts_with("#!substdef \"!SB_TOKEN!") {
                set("SB_TOKEN", token)
            } else if l.starts_with("#!substdef \"!SB_FIXED_URI!") {
                set("SB_FIXED_URI", fixed_uri)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Kamailio running as this user with a temporary runtime directory,
/// answering on `port` once started; killed on drop.
pub struct Kamailio {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl Kamailio {
    pub async fn start(config: &str, port: u16, defines: &[&str]) -> Kamailio {
        need("kamailio");
        let dir = std::env::temp_dir().join(format!("sb-kam-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join("kamailio.cfg");
        std::fs::write(&cfg, config).unwrap();
        let mut cmd = Command::new("kamailio");
        cmd.arg("-f").arg(&cfg).args(["-D", "-E", "-Y"]).arg(&dir);
        cmd.arg("-P").arg(dir.join("kamailio.pid"));
        for d in defines {
            cmd.args(["-A", d]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("kamailio starts");
        let k = Kamailio { child, port, dir };
        k.wait_ready().await;
        k
    }

    /// Ready when it answers an OPTIONS (with 405: only INVITEs are served).
    async fn wait_ready(&self) {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let local = socket.local_addr().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut buf = [0u8; 2048];
        let mut n = 0u32;
        loop {
            n += 1;
            let probe = format!(
                "OPTIONS sip:ping@127.0.0.1:{p} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK-sb{n}\r\n\
                 From: <sip:probe@{local}>;tag=p{n}\r\nTo: <sip:ping@127.0.0.1:{p}>\r\n\
                 Call-ID: probe-{n}@sb\r\nCSeq: {n} OPTIONS\r\nMax-Forwards: 5\r\nContent-Length: 0\r\n\r\n",
                p = self.port
            );
            let _ = socket
                .send_to(probe.as_bytes(), ("127.0.0.1", self.port))
                .await;
            // Each probe waits for its answer; an unanswered one is sent again.
            if let Ok(Ok((len, _))) =
                tokio::time::timeout(Duration::from_millis(200), socket.recv_from(&mut buf)).await
                && String::from_utf8_lossy(&buf[..len]).starts_with("SIP/2.0 ")
            {
                return;
            }
            assert!(Instant::now() < deadline, "kamailio did not come up");
        }
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts an operator's phone: SIPp as a UAS on `port` for `calls` calls.
pub fn operator_phone(port: u16, scenario: &str, calls: u32) -> Child {
    need("sipp");
    let mut cmd = Command::new("sipp");
    cmd.arg("-sf")
        .arg(repo().join("deploy/kamailio/sipp").join(scenario));
    cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()])
        .args(["-m", &calls.to_string(), "-nostdin", "-timeout", "60s"])
        .args(["-trace_err", "-error_file"])
        .arg(std::env::temp_dir().join(format!("sb-sipp-uas-{port}.log")))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("sipp starts")
}

/// Places one call through Kamailio and waits for SIPp to finish it;
/// true when the scenario (its expected replies) ran to the end.
pub async fn place_call(kamailio: u16, scenario: &str, to: &str, from: &str) -> bool {
    need("sipp");
    let status = Command::new("sipp")
        .arg(format!("127.0.0.1:{kamailio}"))
        .arg("-sf")
        .arg(repo().join("deploy/kamailio/sipp").join(scenario))
        .args(["-s", to, "-key", "caller", from])
        .args(["-i", "127.0.0.1", "-p", &free_udp_port().to_string()])
        .args(["-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status()
        .await
        .expect("sipp runs");
    status.success()
}

async fn last_call(app: &Node, staff: &str, customer: &str) -> Value {
    let (s, calls) = app
        .get(&format!("/api/v1/phone/calls?customer={customer}"), staff)
        .await;
    assert_eq!(s, 200, "{calls}");
    calls[0].clone()
}

#[tokio::test]
async fn sip_calls_through_kamailio_are_decided_by_switchboard() {
    need("kamailio");
    need("sipp");
    let phone_port = free_udp_port();
    let app = phone_node_with(|c| {
        c.phone.operator_uri = format!("sip:{{login}}@127.0.0.1:{phone_port}");
    })
    .await;
    let _op = app.console("operator").await;
    let staff = app.login("supervisor").await;
    let port = free_udp_port();
    let cfg = kamailio_config(
        port,
        &format!("{}/api/v1/cti", app.base),
        CTI,
        "sip:unused@127.0.0.1",
    );
    let _kamailio = Kamailio::start(&cfg, port, &[]).await;

    // Answered by the operator's phone, then hung up by the caller.
    let mut phone = operator_phone(phone_port, "uas.xml", 1);
    assert!(
        place_call(port, "uac.xml", TOLL_FREE, BUYER).await,
        "answered call"
    );
    let call = last_call(&app, &staff, "buyer-1001").await;
    assert_eq!(call["outcome"], "answered", "{call}");
    assert!(call["operator_id"].as_i64().is_some(), "{call}");
    assert!(call["answered_at"].is_string() && call["ended_at"].is_string());
    assert!(
        phone.wait().await.unwrap().success(),
        "the operator's phone saw the whole call"
    );

    // The operator's phone refuses: a missed call and a callback.
    let mut phone = operator_phone(phone_port, "uas_busy.xml", 1);
    assert!(
        place_call(port, "uac_486.xml", TOLL_FREE, "+79031112233").await,
        "missed call"
    );
    let call = last_call(&app, &staff, "buyer-1002").await;
    assert_eq!(call["outcome"], "missed", "{call}");
    let open = callbacks(&app, &staff, "status=open").await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["phone"], "+79031112233");
    assert!(phone.wait().await.unwrap().success());

    // A blocked caller is declined with 603.
    assert!(
        place_call(port, "uac_603.xml", TOLL_FREE, "+79990000000").await,
        "declined call"
    );

    // Outside working hours: 480, the off-hours outcome, a callback.
    app.clock.set(saturday_noon(app.clock.now()));
    let staff = app.login("supervisor").await;
    assert!(
        place_call(port, "uac_480.xml", TOLL_FREE, BUYER).await,
        "off-hours call"
    );
    let call = last_call(&app, &staff, "buyer-1001").await;
    assert_eq!(call["outcome"], "off_hours", "{call}");
    assert_eq!(callbacks(&app, &staff, "status=open").await.len(), 2);
}
