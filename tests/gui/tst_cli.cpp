// The viewer's command line without a display (issue 15): --help and --version print and
// exit 0 before any window system is touched.
#include <QtTest>

#include <QProcess>
#include <QProcessEnvironment>

class TestCli : public QObject {
  Q_OBJECT
 private slots:
  void printsWithoutDisplay_data();
  void printsWithoutDisplay();
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
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}) env.remove(QString::fromLatin1(name));
  QProcess gui;
  gui.setProcessEnvironment(env);
  gui.start(QStringLiteral(TB_GUI_EXECUTABLE), {option});
  QVERIFY(gui.waitForFinished(30000));
  const QString out = QString::fromLocal8Bit(gui.readAllStandardOutput());
  const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
  QVERIFY2(gui.exitStatus() == QProcess::NormalExit && gui.exitCode() == 0, qPrintable(err));
  QVERIFY2(out.contains(expected), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
