"""Media: probing, PeerTube's encoding ladder, ffmpeg commands, HLS packaging."""
