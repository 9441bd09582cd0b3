#!/usr/bin/env bash
# Regenerates the committed samples in this folder with the ffmpeg CLI (Debian 12: ffmpeg 5.1 with
# libx264 and libfreetype; fonts-dejavu-core for the captions). Deterministic settings, small files.
# Usage: Media/make-samples.sh [OUTDIR]   (default: the folder this script is in)
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
txt() { # drawtext: a caption line and a running clock
  echo "drawtext=fontfile=$FONT:text='$1':x=(w-tw)/2:y=h*0.12:fontsize=h/14:fontcolor=white:box=1:boxcolor=black@0.6,drawtext=fontfile=$FONT:text='%{pts\\:hms}':x=(w-tw)/2:y=h*0.8:fontsize=h/12:fontcolor=yellow:box=1:boxcolor=black@0.6"
}

# A series episode: 30 s, 16:9 640x360 at 24 fps, H.264 High with B-frames and 2 s closed GOPs,
# two AAC-LC stereo 48 kHz audio tracks tagged eng ("English") and spa ("Español").
ff -f lavfi -i "testsrc2=s=640x360:r=24:d=30,$(txt 'The Long Road S01E01')" \
   -f lavfi -i "sine=f=440:b=2:r=48000:d=30" -f lavfi -i "sine=f=660:b=3:r=48000:d=30" \
   -map 0:v -map 1:a -map 2:a -c:v libx264 -preset medium -profile:v high -level 3.0 -pix_fmt yuv420p \
   -b:v 280k -maxrate 400k -bufsize 800k -g 48 -keyint_min 48 -sc_threshold 0 -bf 2 \
   -c:a aac -b:a 64k -ac 2 \
   -metadata:s:a:0 language=eng -metadata:s:a:0 title=English \
   -metadata:s:a:1 language=spa -metadata:s:a:1 title=Español \
   -metadata title="The Long Road S01E01" -movflags +faststart "$out/episode.mp4"

# A vertical 9:16 branded short film: 20 s, 540x960 at 30 fps, H.264 Main, 2 s GOPs, AAC-LC 44.1 kHz stereo.
ff -f lavfi -i "testsrc2=s=540x960:r=30:d=20,$(txt 'Brew & Co. presents')" \
   -f lavfi -i "sine=f=330:b=4:r=44100:d=20" \
   -c:v libx264 -preset medium -profile:v main -level 3.1 -pix_fmt yuv420p \
   -b:v 450k -maxrate 600k -bufsize 1200k -g 60 -keyint_min 60 -sc_threshold 0 \
   -c:a aac -b:a 96k -ac 2 -metadata:s:a:0 language=eng \
   -metadata title="Morning Ritual (Brew & Co.)" -movflags +faststart "$out/shortfilm-vertical.mp4"

# A 15 s ad creative: 1280x720 at 30 fps, H.264 High, 1 s GOPs, AAC-LC 48 kHz stereo.
ff -f lavfi -i "smptehdbars=s=1280x720:r=30:d=15,$(txt 'Brew & Co. - 15 s spot')" \
   -f lavfi -i "sine=f=520:b=1:r=48000:d=15" \
   -c:v libx264 -preset medium -profile:v high -level 3.1 -pix_fmt yuv420p \
   -b:v 600k -maxrate 800k -bufsize 1600k -g 30 -keyint_min 30 -sc_threshold 0 \
   -c:a aac -b:a 96k -ac 2 -metadata title="Brew & Co. spot 15s" -movflags +faststart "$out/ad-15s.mp4"

# A second ad, 10 s: 640x360 at 25 fps, H.264 Main, AAC-LC 44.1 kHz mono (differs from the
# episode on purpose: conditioning has work to do).
ff -f lavfi -i "mandelbrot=s=640x360:r=25,trim=duration=10,$(txt 'Volt Motors - 10 s spot')" \
   -f lavfi -i "sine=f=300:b=5:r=44100:d=10" \
   -c:v libx264 -preset medium -profile:v main -level 3.0 -pix_fmt yuv420p \
   -b:v 500k -maxrate 700k -bufsize 1400k -g 50 -keyint_min 50 -sc_threshold 0 \
   -c:a aac -b:a 64k -ac 1 -metadata title="Volt Motors spot 10s" -movflags +faststart "$out/ad-10s.mp4"

# A boot-screen image: 1920x1080 JPEG.
ff -f lavfi -i "smptehdbars=s=1920x1080:d=1,drawtext=fontfile=$FONT:text='Brew & Co.':x=(w-tw)/2:y=(h-th)/2:fontsize=160:fontcolor=white:box=1:boxcolor=black@0.7" \
   -frames:v 1 -q:v 4 "$out/boot-1080p.jpg"

ls -l "$out"

# A channel slate (filler for break time no ad fills): 5 s, 640x360 at 30 fps (conditioning only lowers frame rates), a still card and
# silence-like low tone, H.264 Main, AAC-LC 48 kHz stereo. Tiny on purpose.
ff -f lavfi -i "color=c=0x202840:s=640x360:r=30:d=5,drawtext=fontfile=$FONT:text='We will be right back':x=(w-tw)/2:y=(h-th)/2:fontsize=36:fontcolor=white" \
   -f lavfi -i "sine=f=220:b=0:r=48000:d=5" -af "volume=0.05" \
   -c:v libx264 -preset medium -profile:v main -level 3.0 -pix_fmt yuv420p -b:v 120k -g 30 -keyint_min 30 -sc_threshold 0 \
   -c:a aac -b:a 48k -ac 2 -metadata title="Slate 5s" -movflags +faststart "$out/slate-5s.mp4"
