#!/usr/bin/env python3
"""Benchmark `showrunner package --ladder tv` against one ffmpeg CLI process doing the same work.

Both transcode the same 2-minute 1080p30 H.264/AAC input (made with the ffmpeg CLI and cached)
to the `tv` ladder — 1920x1080 5 Mb/s, 1280x720 3 Mb/s, 960x540 1.6 Mb/s, x264 veryfast, 2 s GOPs,
AAC 128k — as HLS with 6 s segments: one decode, the video split three ways and scaled, three x264
encodes, one AAC encode. ffmpeg: `-filter_complex split/scale`, `-force_key_frames` on the 2 s grid
with scene cuts off (the IDR alignment Showrunner guarantees), `-f hls -var_stream_map`.
Runs alternately, `--rounds` times each; prints the median wall time, the ratio (goal <= 1.0),
CPU seconds and peak RSS of each.

Usage: Benchmarks/ladder_bench.py [--showrunner PATH] [--rounds N] [--seconds S] [--work DIR]"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(cmd):
    """Wall seconds, CPU seconds and peak RSS (KiB) of one command, for that child alone."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors='replace')
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'failed: {" ".join(cmd)}\n{err}')
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--showrunner', default=os.path.join(here, '..', '.build', 'release', 'showrunner'))
    ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--seconds', type=int, default=120, help='input length (default 120)')
    ap.add_argument('--work', default='/tmp/showrunner-bench')
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = os.path.join(a.work, f'in-{a.seconds}s-1080p.mp4')
    if not os.path.exists(src):
        print(f'generating a {a.seconds} s 1080p30 H.264/AAC input ...', flush=True)
        subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', f'testsrc2=s=1920x1080:r=30:d={a.seconds}',
                        '-f', 'lavfi', '-i', f'sine=f=440:r=48000:d={a.seconds}', '-c:v', 'libx264', '-preset', 'veryfast',
                        '-b:v', '5M', '-g', '60', '-c:a', 'aac', '-b:a', '128k', src + '.tmp.mp4'], check=True)
        os.replace(src + '.tmp.mp4', src)
    out = os.path.join(a.work, 'ladder-out')
    ours = [a.showrunner, 'package', src, '--out', out, '--ladder', 'tv']
    rungs = [('1920:1080', '5M', '7.5M', '10M', 'high'), ('1280:720', '3M', '4.5M', '6M', 'high'), ('960:540', '1.6M', '2.4M', '3.2M', 'main')]
    graph = '[0:v]split=3' + ''.join(f'[s{i}]' for i in range(3)) + ';' + ';'.join(f'[s{i}]scale={r[0]}[v{i}]' for i, r in enumerate(rungs))
    ff = ['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-i', src, '-filter_complex', graph]
    for i in range(3): ff += ['-map', f'[v{i}]']
    ff += ['-map', '0:a', '-c:v', 'libx264', '-preset', 'veryfast']
    for i, r in enumerate(rungs):
        ff += [f'-b:v:{i}', r[1], f'-maxrate:v:{i}', r[2], f'-bufsize:v:{i}', r[3], f'-profile:v:{i}', r[4]]
    ff += ['-sc_threshold', '0', '-force_key_frames', 'expr:gte(t,n_forced*2)', '-c:a', 'aac', '-b:a', '128k',
           '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'vod',
           '-var_stream_map', 'a:0,agroup:aud,default:yes v:0,agroup:aud v:1,agroup:aud v:2,agroup:aud',
           '-master_pl_name', 'master.m3u8', '-hls_segment_filename', os.path.join(out, 'v%v', 'seg_%05d.ts'),
           os.path.join(out, 'v%v', 'index.m3u8')]
    print(f'showrunner: {a.showrunner}\n{subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.splitlines()[0]}')
    print(f'{a.seconds} s 1080p input -> tv ladder, {a.rounds} rounds each, alternating', flush=True)
    res = {'showrunner': [], 'ffmpeg': []}
    for r in range(a.rounds):
        for name, cmd in (('showrunner', ours), ('ffmpeg', ff)):
            shutil.rmtree(out, ignore_errors=True)
            if name == 'ffmpeg': os.makedirs(out)
            wall, cpu, rss = run(cmd)
            res[name].append((wall, cpu, rss))
            print(f'  round {r + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss / 1024:.0f} MiB peak RSS', flush=True)
    shutil.rmtree(out, ignore_errors=True)
    mo = statistics.median(w for w, _, _ in res['showrunner'])
    mf = statistics.median(w for w, _, _ in res['ffmpeg'])
    co = statistics.median(c for _, c, _ in res['showrunner'])
    cf = statistics.median(c for _, c, _ in res['ffmpeg'])
    print(f'summary: wall {mo:.1f} s vs ffmpeg {mf:.1f} s, ratio {mo / mf:.2f} (goal <= 1.0); CPU {co:.1f} s vs {cf:.1f} s, ratio {co / cf:.2f}; '
          f'peak RSS {max(r for _, _, r in res["showrunner"]) / 1024:.0f} MiB vs {max(r for _, _, r in res["ffmpeg"]) / 1024:.0f} MiB')


if __name__ == '__main__':
    main()
