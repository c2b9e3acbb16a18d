#pragma once

#include <QString>
#include <QStringList>

// CSV as RFC 4180 writes it, for the console's exports (chart series, event log).
namespace rampart::console::csv {

// RFC 4180 §2.6–2.7: a field holding a comma, a double quote or a line break is enclosed in
// double quotes, and a double quote inside it is doubled.
QString field(const QString& value);

// One record: fields quoted as needed, joined by commas, ended by CRLF (RFC 4180 §2.1).
QString record(const QStringList& fields);

// A time as ISO 8601 in UTC with milliseconds ("2024-05-01T12:00:00.250Z"), so a spreadsheet
// sorts it and no time zone is guessed.
QString isoTime(qint64 timeMs);

// A number in its shortest exact form with '.' as the decimal point whatever the locale.
QString number(double value);

}  // namespace rampart::console::csv
