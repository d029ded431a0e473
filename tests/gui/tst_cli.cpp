// The viewer's command line without a display (issue 15): --help and --version print and
// exit 0 before any window system is touched; a wrong option is named and exits 2 (a usage error, as triton-aot's).
#include <QtTest>

#include <QDir>
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
  void wrongOptionExitsTwoWithoutDisplay();
  void screenshotIsWrittenWholeAndAlone();
  void screenshotIntoAMissingFolderIsOneLineAndExitOne();
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

void TestCli::wrongOptionExitsTwoWithoutDisplay() {
  QProcess gui;
  QVERIFY(runWithoutDisplay(gui, QStringLiteral("--no-such-option")));
  const QString err = QString::fromLocal8Bit(gui.readAllStandardError());
  QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
  QCOMPARE(gui.exitCode(), 2);
  QVERIFY2(err.startsWith(QLatin1String("triton-bench-gui: ")) && err.contains(QLatin1String("no-such-option")),
           qPrintable(err));
  QVERIFY2(!err.contains(QLatin1String("xcb")), qPrintable(err));
}

namespace {

/// Runs the viewer offscreen on the recorded cubin-cached trace with --screenshot `out`.
bool screenshot(QProcess& gui, const QString& out) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  gui.setProcessEnvironment(env);
  gui.start(QStringLiteral(TB_GUI_EXECUTABLE),
            {QStringLiteral("--size"), QStringLiteral("1400x800"), QStringLiteral("--screenshot"), out,
             QStringLiteral(TB_RECORDED_DIR "/sandwich.cubin-cached.json")});
  return gui.waitForFinished(60000);
}

}  // namespace

// The PNG replaces the file whole (written beside it, then renamed): the folder holds the
// screenshot and nothing else afterwards, and the file is a complete PNG.
void TestCli::screenshotIsWrittenWholeAndAlone() {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("shot.png"));
  {
    QFile old(out);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("an older screenshot");
  }
  QProcess gui;
  QVERIFY(screenshot(gui, out));
  QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());
  QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("shot.png")});
  QImage image(out);
  QCOMPARE(image.size(), QSize(1400, 800));
}

void TestCli::screenshotIntoAMissingFolderIsOneLineAndExitOne() {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("no/such/folder/shot.png"));
  QProcess gui;
  QVERIFY(screenshot(gui, out));
  // The last line of stderr (Qt's offscreen plugin may print notes before it).
  const QString err = QString::fromLocal8Bit(gui.readAllStandardError()).trimmed().section(QLatin1Char('\n'), -1);
  QCOMPARE(gui.exitCode(), 1);
  QCOMPARE(err, QStringLiteral("triton-bench-gui: %1: cannot write: No such file or directory").arg(out));
  QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("no"))));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
