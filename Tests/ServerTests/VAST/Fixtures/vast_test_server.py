#!/usr/bin/env python3
"""vast_test_server.py [PORT] -- a local VAST ad server for VASTWorkTests (stdlib only).

Listens on 127.0.0.1:PORT (0 = a free port) and prints "PORT <n>" as its first stdout line.
Exits on SIGTERM or when its stdin reaches end of file (so it never outlives the test).
Paths:
  /inline.xml              an InLine VAST 4.2 ad (id "inline-1", 10.5 s, mp4 + HLS)
  /chain/1 .. /chain/3     wrappers: 1 -> 2 -> 3 -> /inline.xml
  /deep/1 .. /deep/6       wrappers: 1 -> ... -> 6 -> /inline.xml (6 wrappers deep)
  /loop                    a wrapper pointing at itself
  /slow                    sleeps 3 s, then the InLine
  /status/500              HTTP 500
  /malformed               truncated XML
  /passwd                  a wrapper pointing at file:///etc/passwd
  /big                     2 MiB body
  /empty                   <VAST version="4.2"/> (no ad)
  /ours/<creative>         an InLine naming one of Showrunner's creatives (UniversalAdId registry showrunner)
  /wrap-ours/<creative>    a wrapper pointing at /ours/<creative>
"""
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INLINE = """<?xml version="1.0" encoding="UTF-8"?>
<VAST version="4.2" xmlns="http://www.iab.com/VAST">
  <Ad id="inline-1">
    <InLine>
      <AdSystem version="2.0">TestServer</AdSystem>
      <AdServingId>serve-1</AdServingId>
      <AdTitle>Inline &amp; friends</AdTitle>
      <Impression><![CDATA[
        http://127.0.0.1:{port}/beacon/impression/inline
      ]]></Impression>
      <Error><![CDATA[http://127.0.0.1:{port}/beacon/error/inline?code=[ERRORCODE]]]></Error>
      <Creatives>
        <Creative id="creative-1">
          <UniversalAdId idRegistry="ad-id.org">ABCD0001000H</UniversalAdId>
          <Linear>
            <Duration>00:00:10.500</Duration>
            <TrackingEvents>
              <Tracking event="start"><![CDATA[http://127.0.0.1:{port}/beacon/start/inline]]></Tracking>
            </TrackingEvents>
            <MediaFiles>
              <MediaFile delivery="progressive" type="video/mp4" width="1280" height="720" bitrate="2500"><![CDATA[http://127.0.0.1:{port}/media/720.mp4]]></MediaFile>
              <MediaFile delivery="streaming" type="application/x-mpegURL" width="1920" height="1080"><![CDATA[http://127.0.0.1:{port}/media/index.m3u8]]></MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
      </Creatives>
    </InLine>
  </Ad>
</VAST>
"""

WRAPPER = """<?xml version="1.0" encoding="UTF-8"?>
<VAST version="4.2">
  <Ad id="{id}">
    <Wrapper>
      <AdSystem>Wrapper{id}</AdSystem>
      <VASTAdTagURI><![CDATA[
        {target}
      ]]></VASTAdTagURI>
      <Impression><![CDATA[http://127.0.0.1:{port}/beacon/impression/{id}]]></Impression>
      <Error><![CDATA[http://127.0.0.1:{port}/beacon/error/{id}]]></Error>
      <Creatives>
        <Creative>
          <Linear>
            <TrackingEvents>
              <Tracking event="start"><![CDATA[http://127.0.0.1:{port}/beacon/start/{id}]]></Tracking>
            </TrackingEvents>
          </Linear>
        </Creative>
      </Creatives>
    </Wrapper>
  </Ad>
</VAST>
"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype='application/xml'):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        port = self.server.server_address[1]
        base = f'http://127.0.0.1:{port}'
        p = self.path.split('?')[0]

        def wrapper(id, target):
            return WRAPPER.replace('{id}', id).replace('{target}', target).replace('{port}', str(port))

        inline = INLINE.replace('{port}', str(port))
        if p == '/inline.xml':
            return self.send(200, inline)
        if p.startswith('/chain/'):
            n = int(p.rsplit('/', 1)[1])
            return self.send(200, wrapper(f'chain-{n}', f'{base}/chain/{n + 1}' if n < 3 else f'{base}/inline.xml'))
        if p.startswith('/deep/'):
            n = int(p.rsplit('/', 1)[1])
            return self.send(200, wrapper(f'deep-{n}', f'{base}/deep/{n + 1}' if n < 6 else f'{base}/inline.xml'))
        if p == '/loop':
            return self.send(200, wrapper('loop', f'{base}/loop'))
        if p == '/slow':
            time.sleep(3)
            return self.send(200, inline)
        if p == '/status/500':
            return self.send(500, 'boom', 'text/plain')
        if p == '/malformed':
            return self.send(200, inline[: len(inline) // 2])
        if p == '/passwd':
            return self.send(200, wrapper('passwd', 'file:///etc/passwd'))
        if p == '/big':
            return self.send(200, b'<' + b'x' * (2 << 20))
        if p.startswith('/ours/'):
            cid = p.rsplit('/', 1)[1]
            ours = (inline.replace('idRegistry="ad-id.org">ABCD0001000H', f'idRegistry="showrunner">{cid}')
                          .replace('<Creative id="creative-1">', f'<Creative id="{cid}">'))
            return self.send(200, ours)
        if p.startswith('/wrap-ours/'):
            cid = p.rsplit('/', 1)[1]
            return self.send(200, wrapper('wrap-ours', f'{base}/ours/{cid}'))
        if p == '/empty':
            return self.send(200, '<VAST version="4.2"/>')
        return self.send(404, 'not found', 'text/plain')


def main():
    # A parent (e.g. an XCTest process) may hand us a blocked signal mask: unblock so that
    # SIGTERM from the test ends us, and also exit when the parent closes our stdin.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, range(1, signal.NSIG))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
    server.daemon_threads = True
    print(f'PORT {server.server_address[1]}', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
