#!/usr/bin/env python3
"""Benchmark `showrunner package` (remux to HLS) against `ffmpeg -c copy -f hls -hls_time 6`.

Generates a 2-minute 1080p30 H.264/AAC MP4 with the ffmpeg CLI (cached in the work folder), and
a 10-minute one made of five copies of it (concat, -c copy), then packages each input with both
tools alternately, several rounds, into fresh output folders. Prints the median wall time of
each, the ratio (showrunner / ffmpeg; goal <= 0.8), and each tool's peak RSS per input length
(Showrunner's must not grow with the input).

Usage: Benchmarks/package_bench.py [--showrunner PATH] [--rounds N] [--work DIR] [--format ts|fmp4]
(Benchmarks/run.sh builds the release binary first and calls this.)"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(cmd):
    """Wall seconds and peak RSS (KiB) of one command, measured for that child alone."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors='replace')
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err}')
    return wall, usage.ru_maxrss


def make_inputs(work):
    two = os.path.join(work, 'in-2min-1080p.mp4')
    ten = os.path.join(work, 'in-10min-1080p.mp4')
    if not os.path.exists(two):
        print('generating a 2-minute 1080p30 H.264/AAC input (ffmpeg, libx264 veryfast) ...', flush=True)
        subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y',
                        '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30:d=120',
                        '-f', 'lavfi', '-i', 'sine=f=440:r=48000:d=120',
                        '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '5M', '-g', '60',
                        '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', two + '.tmp.mp4'], check=True)
        os.replace(two + '.tmp.mp4', two)
    if not os.path.exists(ten):
        lst = os.path.join(work, 'concat.txt')
        with open(lst, 'w') as f:
            f.write(''.join(f"file '{two}'\n" for _ in range(5)))
        subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0',
                        '-i', lst, '-c', 'copy', '-movflags', '+faststart', ten + '.tmp.mp4'], check=True)
        os.replace(ten + '.tmp.mp4', ten)
    return [('2 min', two), ('10 min', ten)]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--showrunner', default=os.path.join(here, '..', '.build', 'release', 'showrunner'))
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--work', default='/tmp/showrunner-bench')
    ap.add_argument('--format', choices=['ts', 'fmp4'], default='ts')
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    inputs = make_inputs(a.work)
    out = os.path.join(a.work, 'out')
    print(f'showrunner: {a.showrunner}\nffmpeg: {subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]}')
    print(f'format {a.format}, {a.rounds} rounds, alternating; median wall time, peak RSS')
    rows = []
    for label, path in inputs:
        ours, theirs, rss_ours, rss_theirs = [], [], 0, 0
        for r in range(a.rounds + 1):  # round 0 warms the page cache and is not counted
            for tool in ('showrunner', 'ffmpeg'):
                shutil.rmtree(out, ignore_errors=True)
                if tool == 'showrunner':
                    cmd = [a.showrunner, 'package', path, '--out', out, '--format', a.format]
                else:
                    os.makedirs(out)
                    cmd = ['ffmpeg', '-nostdin', '-loglevel', 'error', '-i', path, '-c', 'copy', '-f', 'hls',
                           '-hls_time', '6', '-hls_playlist_type', 'vod']
                    if a.format == 'fmp4':
                        cmd += ['-hls_segment_type', 'fmp4']
                    cmd += [os.path.join(out, 'index.m3u8')]
                wall, rss = run(cmd)
                if r == 0:
                    continue
                if tool == 'showrunner':
                    ours.append(wall)
                    rss_ours = max(rss_ours, rss)
                else:
                    theirs.append(wall)
                    rss_theirs = max(rss_theirs, rss)
        mo, mt = statistics.median(ours), statistics.median(theirs)
        rows.append((label, mo, mt, rss_ours, rss_theirs))
        print(f'{label:>6}: showrunner {mo * 1000:7.1f} ms  ffmpeg {mt * 1000:7.1f} ms  ratio {mo / mt:.2f}  '
              f'peak RSS showrunner {rss_ours / 1024:.1f} MiB, ffmpeg {rss_theirs / 1024:.1f} MiB', flush=True)
    shutil.rmtree(out, ignore_errors=True)
    (l2, o2, t2, r2, _), (l10, o10, t10, r10, _) = rows
    print(f'summary: wall-time ratio {o2 / t2:.2f} (2 min), {o10 / t10:.2f} (10 min); '
          f'showrunner peak RSS {r2 / 1024:.1f} MiB (2 min) vs {r10 / 1024:.1f} MiB (10 min)')


if __name__ == '__main__':
    main()
