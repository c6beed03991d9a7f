#!/usr/bin/perl
# scripts/bench urls: for each message file, "FILE<TAB>host host ..." — the hosts SpamAssassin's own URI parser
# (PerMsgStatus::get_uri_detail_list, what its URIBL rules look up) finds, all files in one process.
use strict; use warnings;
use Mail::SpamAssassin;
my $sa = Mail::SpamAssassin->new({ local_tests_only => 1, dont_copy_prefs => 1, userprefs_filename => '/dev/null',
                                  site_rules_filename => '/dev/null', post_config_text => "" });
$sa->init(1);
for my $f (@ARGV) {
  open(my $fh, '<', $f) or next; local $/; my $raw = <$fh>; close $fh;
  my $msg = $sa->parse($raw, 1);
  my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
  my $d = $pms->get_uri_detail_list();
  my %h;
  for my $u (keys %$d) { for my $host (keys %{$d->{$u}->{hosts} || {}}) { $h{lc $host} = 1; } }
  print "$f\t", join(" ", sort keys %h), "\n";
  $pms->finish(); $msg->finish();
}
