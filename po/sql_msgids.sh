#!/usr/bin/env bash
# Writes a message template (.pot) of the message ids the SQL functions
# send (sql/functions/*.sql): the literal first argument of every
# cchc_msg('…' call, adjacent literals joined as SQL joins them ('a '
# newline 'b' is 'a b'), '' read as one quote. xgettext knows no SQL, so
# po/extract.sh adds this to the template of the C sources.
#   po/sql_msgids.sh SOURCE_DIR OUTPUT.pot
set -euo pipefail
src=$(cd "$1" && pwd)
out=$2
cd "$src"
perl -e '
  use strict; use warnings;
  my (%refs, @order);
  for my $file (sort glob("sql/functions/*.sql")) {
    open(my $fh, "<:raw", $file) or die "$file: $!";
    local $/; my $text = <$fh>; close $fh;
    while ($text =~ /cchc_msg\(\s*((?:\x27(?:[^\x27]|\x27\x27)*\x27\s*)+)/g) {
      my ($lits, $at) = ($1, $-[0]);
      my $line = 1 + (substr($text, 0, $at) =~ tr/\n//);
      my $id = "";
      $id .= $1 while $lits =~ /\x27((?:[^\x27]|\x27\x27)*)\x27/g;
      $id =~ s/\x27\x27/\x27/g;
      push @order, $id unless $refs{$id};
      push @{$refs{$id}}, "$file:$line";
    }
  }
  print "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
  for my $id (@order) {
    (my $q = $id) =~ s/(["\\])/\\$1/g;
    print "#: @{$refs{$id}}\n";
    print "#, c-format\n" if $id =~ /%/;
    print "msgid \"$q\"\nmsgstr \"\"\n\n";
  }
' >"$out"
