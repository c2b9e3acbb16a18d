#pragma once

#include <QFrame>

class QLabel;

namespace rampart::console {

// One tile of the overview strip: a number large enough to read across the room, a caption,
// and a level (normal / warning / alert) that the stylesheet turns into a colour.
class BigNumber : public QFrame {
    Q_OBJECT
    Q_PROPERTY(QString level READ levelName)
public:
    enum class Level { Normal, Warning, Alert };

    BigNumber(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& text);
    QString value() const;
    void setDetail(const QString& text);
    QString detail() const;
    void setLevel(Level level);
    Level level() const { return m_level; }
    QString levelName() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateFonts();

    QLabel* m_value;
    QLabel* m_caption;
    QLabel* m_detail;
    Level m_level = Level::Normal;
};

}  // namespace rampart::console
