// The viewer's command line without a display (issue 15): --help and --version print and
// exit 0 before any window system is touched; a wrong option is named and exits 1.
#include <QtTest>

#include <QProcess>
#include <QProcessEnvironment>

namespace {

/// Runs the viewer with `option` and no display (QT_QPA_PLATFORM, DISPLAY, WAYLAND_DISPLAY
/// removed from the environment); false if it did not finish.
bool runWithoutDisplay(QProcess& gui, const QString& option) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}) env.remove(QString::fromLatin1(name));
  gui.setProcessEnvironment(env);
  gui.start(QStringLiteral(TB_GUI_EXECUTABLE), {option});
  return gui.waitForFinished(30000);
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT
 private slots:
  void printsWithoutDisplay_data();
  void printsWithoutDisplay();
  void wrongOptionExitsOneWithoutDisplay();
};

void TestCli::printsWithoutDisplay_data() {
  QTest::addColumn<QString>("option");
  QTest::addColumn<QString>("expected");
  QTest::newRow("--help") << QStringLiteral("--help") << QStringLiteral("Usage: ");
  QTest::newRow("-h") << QStringLiteral("-h") << QStringLiteral("--screenshot <OUT.png>");
  QTest::newRow("--version") << QStringLiteral("--version") << QStringLiteral("triton-bench-gui");
}

void TestCli::printsWithoutDisplay() {
  QFETCH(QString, option);
  QFETCH(QString, expected);
  QProcess gui;
  QVERIFY(runWithoutDisplay(gui, option));
  const QString out = QString::fromLocal8Bit(gui.readAllStandardOutput());
  const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
  QVERIFY2(gui.exitStatus() == QProcess::NormalExit && gui.exitCode() == 0, qPrintable(err));
  QVERIFY2(out.contains(expected), qPrintable(out));
}

void TestCli::wrongOptionExitsOneWithoutDisplay() {
  QProcess gui;
  QVERIFY(runWithoutDisplay(gui, QStringLiteral("--no-such-option")));
  const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
  QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
  QCOMPARE(gui.exitCode(), 1);
  QVERIFY2(err.startsWith(QLatin1String("triton-bench-gui: ")) && err.contains(QLatin1String("no-such-option")),
           qPrintable(err));
  QVERIFY2(!err.contains(QLatin1String("xcb")), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
