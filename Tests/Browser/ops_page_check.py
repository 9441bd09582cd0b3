#!/usr/bin/env python3
"""ops_page_check.py URL [--token T] [--expect-rows N] [--screenshot PATH] [--no-js] [--timeout S] [-v]
Loads a Showrunner ops page (a served `/ops` URL or a file:// sample / daily report) in Debian's headless
Chromium through chromium-driver and selenium, the setup of the HLS conformance kit
(/work/shared/conformance: `setup.sh --minimal --with hlsjs` installs chromium, chromium-driver and
selenium into $CONFORMANCE_HOME/venv; this script re-runs itself with that venv's python when needed).

--token T      sign in first: open <origin>/ops/sign-in?next=<path>, type T into the `token` field, submit,
               and follow the redirect (selenium cannot set an Authorization header); HTTP(S) URLs only.
--expect-rows  the number of `#slots tbody tr` rows the page must have.
--screenshot   save a full-page PNG there.
--no-js        run with JavaScript disabled (the tables must still be there; the script must not have run).

Fails on: any SEVERE browser console entry (script errors, CSP violations, failed loads), a sign-in that
is refused, a wrong row count, and with JavaScript on a script that did not enhance the page (sort buttons
missing) or whose slot filter / sort does not work. Exit 0 OK (one summary line), 1 FAIL (the reasons),
2 bad usage or missing setup."""
import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
import urllib.parse

HOME = os.environ.get('CONFORMANCE_HOME') or '/tmp/showrunner-conformance'
VENV_PY = os.path.join(HOME, 'venv', 'bin', 'python')

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    if os.path.exists(VENV_PY) and os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HOME, 'venv')):
        os.execv(VENV_PY, [VENV_PY, os.path.abspath(__file__)] + sys.argv[1:])
    print(f'FAIL selenium missing: run /work/shared/conformance/setup.sh --minimal --with hlsjs (venv {VENV_PY})')
    sys.exit(2)


def chrome(no_js, profile):
    o = webdriver.ChromeOptions()
    o.binary_location = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    for x in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
              '--hide-scrollbars', '--window-size=1440,900', '--force-device-scale-factor=1', f'--user-data-dir={profile}']:
        o.add_argument(x)
    if no_js:
        o.add_experimental_option('prefs', {'profile.managed_default_content_settings.javascript': 2})
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Chrome(service=Service(os.environ.get('CHROMEDRIVER', '/usr/bin/chromedriver')), options=o)


def sign_in(d, url, token, timeout, problems):
    """opens the sign-in form of url's origin, submits the token, and waits to leave the form"""
    u = urllib.parse.urlsplit(url)
    path = urllib.parse.urlunsplit(('', '', u.path or '/ops', u.query, ''))
    d.get(f'{u.scheme}://{u.netloc}/ops/sign-in?' + urllib.parse.urlencode({'next': path}))
    fields = d.find_elements(By.CSS_SELECTOR, 'form input[name=token]')
    if not fields:
        problems.append(f'no sign-in form (input name=token) at {d.current_url}')
        return
    fields[0].send_keys(token)
    fields[0].submit()
    def settled(drv):
        left = '/ops/sign-in' not in urllib.parse.urlsplit(drv.current_url).path
        return left or bool(drv.find_elements(By.CSS_SELECTOR, '[role=alert]'))
    try:
        WebDriverWait(d, timeout).until(settled)
    except WebDriverException:
        pass
    if '/ops/sign-in' in urllib.parse.urlsplit(d.current_url).path:
        alert = d.find_elements(By.CSS_SELECTOR, '[role=alert]')
        problems.append('sign-in refused' + (f': {alert[0].text.strip()}' if alert else f' (still at {d.current_url})'))


def visible_slot_rows(d):
    return sum(1 for r in d.find_elements(By.CSS_SELECTOR, '#slots tbody tr') if r.is_displayed())


def exercise(d, problems):
    """with JavaScript on: the script enhanced every sortable header; sorting and filtering the slot table work"""
    headers = d.find_elements(By.CSS_SELECTOR, 'table.sortable thead th')
    buttons = d.find_elements(By.CSS_SELECTOR, 'table.sortable thead th button.sort')
    if len(buttons) != len(headers):
        problems.append(f'script did not run: {len(buttons)} sort buttons for {len(headers)} sortable headers')
        return
    if not d.find_elements(By.ID, 'slots'):
        return
    rows = len(d.find_elements(By.CSS_SELECTOR, '#slots tbody tr'))
    for b in d.find_elements(By.CSS_SELECTOR, '#slots thead th button.sort'):
        d.execute_script('arguments[0].click(); arguments[0].click();', b)  # ascending, then descending
    if len(d.find_elements(By.CSS_SELECTOR, '#slots tbody tr')) != rows:
        problems.append('sorting the slot table lost rows')
    boxes = d.find_elements(By.CSS_SELECTOR, '#slot-filter input[type=search]')
    if not boxes or not boxes[0].is_displayed():
        problems.append('slot filter not shown with JavaScript on')
        return
    boxes[0].send_keys('zz-no-such-slot-zz')
    hidden = visible_slot_rows(d)
    boxes[0].clear()
    d.execute_script("arguments[0].dispatchEvent(new Event('input'))", boxes[0])
    if hidden != 0 or visible_slot_rows(d) != rows:
        problems.append(f'slot filter: {hidden} rows left for a string matching nothing, {visible_slot_rows(d)}/{rows} after clearing')


def screenshot(d, path):
    """a full-page PNG through the DevTools protocol (works with JavaScript off too)"""
    size = d.execute_cdp_cmd('Page.getLayoutMetrics', {})['cssContentSize']
    shot = d.execute_cdp_cmd('Page.captureScreenshot', {
        'format': 'png', 'captureBeyondViewport': True,
        'clip': {'x': 0, 'y': 0, 'width': size['width'], 'height': min(size['height'], 16000), 'scale': 1}})
    with open(path, 'wb') as f:
        f.write(base64.b64decode(shot['data']))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n'.join(__doc__.splitlines()[1:]))
    ap.add_argument('url')
    ap.add_argument('--token')
    ap.add_argument('--expect-rows', type=int)
    ap.add_argument('--screenshot')
    ap.add_argument('--no-js', action='store_true')
    ap.add_argument('--timeout', type=float, default=30, help='seconds per page load (default 30)')
    ap.add_argument('-v', action='store_true', help='print every console entry')
    a = ap.parse_args()
    scheme = urllib.parse.urlsplit(a.url).scheme
    if scheme not in ('http', 'https', 'file'):
        print(f'FAIL usage: URL must be http(s):// or file://, got {a.url!r}')
        sys.exit(2)
    if a.token and scheme == 'file':
        print('FAIL usage: --token needs an http(s) URL (a file has no sign-in)')
        sys.exit(2)
    cdir = os.path.join(HOME, 'chrome')
    os.makedirs(cdir, exist_ok=True)
    profile = tempfile.mkdtemp(prefix='ops-profile-', dir=cdir)
    t0 = time.time()
    problems, logs, facts, d = [], [], {}, None
    try:
        d = chrome(a.no_js, profile)
        d.set_page_load_timeout(a.timeout)
        if a.token:
            sign_in(d, a.url, a.token, a.timeout, problems)
        if not problems:
            d.get(a.url)
            if (scheme != 'file' and '/ops/sign-in' not in a.url
                    and d.find_elements(By.CSS_SELECTOR, 'form[action="/ops/sign-in"]')):
                problems.append('got the sign-in page instead (pass --token)')
            facts['title'] = d.title
            facts['rows'] = len(d.find_elements(By.CSS_SELECTOR, '#slots tbody tr'))
            facts['tables'] = len(d.find_elements(By.CSS_SELECTOR, 'table'))
            facts['svg'] = len(d.find_elements(By.CSS_SELECTOR, 'svg'))
            if a.expect_rows is not None and facts['rows'] != a.expect_rows:
                problems.append(f"#slots tbody has {facts['rows']} rows, expected {a.expect_rows}"
                                + ('' if d.find_elements(By.ID, 'slots') else ' (no #slots table)'))
            if a.screenshot:
                screenshot(d, a.screenshot)
            if a.no_js:
                if d.find_elements(By.CSS_SELECTOR, 'button.sort'):
                    problems.append('JavaScript ran although disabled')
            else:
                exercise(d, problems)
        logs = d.get_log('browser')
    except WebDriverException as e:
        problems.append(f'browser: {type(e).__name__}: {(e.msg or str(e)).splitlines()[0][:200]}')
    finally:
        if d is not None:
            try:
                d.quit()
            except WebDriverException:
                pass
        shutil.rmtree(profile, ignore_errors=True)
    severe = [x for x in logs if x.get('level') == 'SEVERE']
    if severe:
        problems.append(f'{len(severe)} SEVERE console entries: ' + ' | '.join(x.get('message', '')[:200] for x in severe[:5]))
    if a.v:
        for x in logs:
            print('console:', x.get('level'), x.get('message', '')[:300])
    summary = (f"ops page {a.url} title={facts.get('title', '')!r} js={'off' if a.no_js else 'on'} slots={facts.get('rows', '-')} "
               f"tables={facts.get('tables', '-')} svg={facts.get('svg', '-')} console={len(logs)} severe={len(severe)}"
               + (' signed-in' if a.token and not problems else '')
               + (f' screenshot={a.screenshot}' if a.screenshot and os.path.exists(a.screenshot) else '')
               + f' ({time.time() - t0:.1f}s)')
    print(('FAIL ' if problems else 'OK   ') + summary)
    for p in problems:
        print('  ' + p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
